"""The 一次性告知单 on a staff matter page, printed by Debian's Chromium: what lands on paper."""

from __future__ import annotations

import datetime as dt
import functools
import http.server
import io
import re
import threading

import pytest
import yaml
import zxingcpp
from PIL import Image

from build_tools.model import Audience

from .support import REPO, build_copy
from .test_a11y import AXE, BLOCKING, describe
from .test_browser import ARTIFACTS, browser  # noqa: F401  (the shared Chromium fixture)

pytestmark = pytest.mark.browser
MATTER = "qiye-sheli-dengji"


def load(rel: str) -> dict:
    return yaml.safe_load((REPO / rel).read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    site = build_copy(tmp_path_factory.mktemp("notice"), Audience.STAFF)
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()


def pdf_pages(data: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?!s)", data))


def test_print_lists_exactly_the_ticked_materials_with_qr_and_hall_hours(browser, server):  # noqa: F811
    matter = load(f"matters/{MATTER}.yaml")
    needed = [x for x in matter["materials"] if not x.get("exempt")]
    ticked, unticked = [needed[0], needed[2]], [x for x in needed if x not in (needed[0], needed[2])]
    hall_id = matter["channels"]["window"]["halls"][-1]
    hall = load(f"halls/{hall_id}.yaml")
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(server + f"matters/{MATTER}/")
    page.evaluate("() => { window.__printed = 0; window.print = () => { window.__printed += 1; }; }")
    for x in ticked:
        page.locator(f'.bk-notice__item input[value="{x["id"]}"]').check()
    page.select_option(".bk-notice__hall-choice", hall_id)
    page.get_by_role("button", name="打印告知单").click()
    assert page.evaluate("window.__printed") == 1
    page.emulate_media(media="print")

    items = page.locator(".bk-notice__item:visible")
    assert items.locator("strong").all_inner_texts() == [x["name"] for x in ticked]
    sheet = page.locator(".bk-notice__sheet").inner_text()
    for x in ticked:
        assert x["source"] in sheet
    for x in unticked:
        assert x["name"] not in sheet
    assert "受理条件" not in sheet, "no condition was ticked"
    today = dt.date.today()
    assert f"{today.year}年{today.month}月{today.day}日" in sheet
    assert hall["name"] in sheet and hall["address"] in sheet
    for h in hall["hours"]:
        assert f"{h['days']} {h['open']}–{h['close']}" in sheet
    other = load("halls/district-hall.yaml")
    assert other["address"] not in sheet, "only the chosen hall"
    qr = page.locator(".bk-notice__qr svg")
    assert qr.is_visible()
    decoded = [r.text for r in zxingcpp.read_barcodes(Image.open(io.BytesIO(qr.screenshot())))]
    assert decoded and re.fullmatch(r"HTTPS://\S+/Q/M\d{4}", decoded[0]) and decoded[0] in sheet, decoded
    assert re.search(r"/Q/M\d{4}", sheet)
    assert not page.locator("h1").is_visible() and not page.locator(".bk-answer").is_visible(), "the sheet prints alone"

    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "notice-print.png", full_page=True)
    pdf = page.pdf(format="A4", margin={"top": "1cm", "bottom": "1cm", "left": "1.2cm", "right": "1.2cm"})
    (ARTIFACTS / "notice-print.pdf").write_bytes(pdf)
    assert pdf_pages(pdf) == 1
    page.close()


def test_without_javascript_the_full_checklist_prints_on_its_own_page(browser, server):  # noqa: F811
    matter = load(f"matters/{MATTER}.yaml")
    context = browser.new_context(java_script_enabled=False, viewport={"width": 794, "height": 1123})
    page = context.new_page()
    page.goto(server + f"matters/{MATTER}/")
    page.emulate_media(media="print")
    sheet = page.locator(".bk-notice__sheet")
    assert sheet.is_visible()
    text = sheet.inner_text()
    needed = [x for x in matter["materials"] if not x.get("exempt")]
    assert page.locator(".bk-notice__item:visible").count() == len(needed) + len(matter["conditions"])
    for x in needed:
        assert x["name"] in text
    assert page.locator(".bk-notice__item input:visible").count() == len(needed) + len(matter["conditions"]), "boxes to tick by hand"
    assert "＿＿＿＿年＿＿月＿＿日" in text, "a blank date line"
    for hall_id in matter["channels"]["window"]["halls"]:
        assert load(f"halls/{hall_id}.yaml")["address"] in text
    assert page.locator(".bk-notice__qr svg").is_visible()
    assert not page.locator(".bk-notice__controls").is_visible()
    assert page.evaluate("getComputedStyle(document.querySelector('.bk-notice')).breakBefore") == "page"
    page.locator(".bk-notice").screenshot(path=ARTIFACTS / "notice-print-nojs.png")
    context.close()


def test_the_window_hall_is_remembered_across_matters(browser, server):  # noqa: F811
    hall_id = load(f"matters/{MATTER}.yaml")["channels"]["window"]["halls"][-1]
    other = next(p.stem for p in sorted((REPO / "matters").glob("*.yaml")) if p.stem != MATTER
                 and hall_id in ((load(f"matters/{p.name}").get("channels") or {}).get("window") or {}).get("halls", []))
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(server + f"matters/{MATTER}/")
    page.select_option(".bk-notice__hall-choice", hall_id)
    page.goto(server + f"matters/{other}/")
    assert page.locator(".bk-notice__hall-choice").input_value() == hall_id
    assert page.locator(f'.bk-notice__hall[data-hall="{hall_id}"]').is_visible()
    assert page.locator(".bk-notice__hall:visible").count() == 1
    context.close()


def test_notice_on_a_phone_fits_and_axe_finds_nothing_serious(browser, server):  # noqa: F811
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto(server + f"matters/{MATTER}/")
    page.locator(".bk-notice__item input").first.check()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.evaluate(AXE.read_text(encoding="utf-8") + "\n;0")
    violations = page.evaluate("axe.run(document.querySelector('.bk-notice'), {resultTypes: ['violations']}).then(r => r.violations)")
    blocking = [v for v in violations if v["impact"] in BLOCKING]
    assert not blocking, describe(blocking)
    page.locator(".bk-notice").screenshot(path=ARTIFACTS / "notice-phone.png")
    page.close()


def test_a_situation_ticks_exactly_its_materials(browser, server):  # noqa: F811
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(server + "matters/qiye-biangeng-dengji/")
    page.select_option(".bk-notice__situation", "jianzi")
    ticked = page.eval_on_selector_all(".bk-notice__item input:checked", "bs => bs.map(b => b.value)")
    assert ticked == ["m1", "m2", "m3", "m8", "m9"]  # 减资: the build's case, exempt materials aside
    assert page.inner_text(".bk-notice__count") == "已勾选 5 项，只打印勾选的项目"
    page.select_option(".bk-notice__situation", "jianshi")
    assert page.eval_on_selector_all(".bk-notice__item input:checked", "bs => bs.map(b => b.value)") == ["m1", "m2", "m6"]
    page.close()
