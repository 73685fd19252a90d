"""A real browser (Debian's Chromium through Playwright) on the built sample: what a citizen's phone sees."""

from __future__ import annotations

import functools
import http.server
import threading
from pathlib import Path

import pytest

from .support import REPO, build_copy

pytestmark = pytest.mark.browser
CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = REPO / "test-artifacts"
SIZES = {"phone": (390, 844), "desktop": (1280, 800)}


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    site = build_copy(tmp_path_factory.mktemp("browser"))
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()


@pytest.fixture(scope="module")
def browser():
    playwright = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian chromium is not installed: run `make test` (it installs it)")
    with playwright.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                                                                "--disable-component-update", "--disable-sync", "--no-first-run"])
        yield b
        b.close()


PAGES = {"home": "", "matter": "matters/qiye-sheli-dengji/", "tombstone": "matters/qiye-nianjian/", "hall": "halls/district-hall/",
         "department": "departments/scjg/", "sop": "sop/window-five-senses/", "guide": "guides/kaiban-qiye/",
         "search": "search/?q=开公司", "fields": "reference/fields/", "stats": "stats/"}


def open_page(page, server: str, kind: str):
    """Go to a page type and wait until it is what a citizen sees: loaded, and for search the results shown."""
    response = page.goto(server + PAGES[kind])
    page.wait_for_load_state("networkidle")
    if kind == "search":
        page.wait_for_selector("#bk-results > li", timeout=15_000)
    return response


@pytest.mark.parametrize("kind", PAGES)
@pytest.mark.parametrize("size", SIZES)
def test_page_type_loads_only_own_host_and_fits(browser, server, kind, size):
    width, height = SIZES[size]
    page = browser.new_page(viewport={"width": width, "height": height})
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    response = open_page(page, server, kind)
    assert response.status == 200
    foreign = [u for u in requests if not u.startswith(server)]
    assert foreign == []
    scroll_width = page.evaluate("document.querySelector('.md-content').scrollWidth")
    assert scroll_width <= width, f"content wider than the screen ({scroll_width} > {width})"
    page_width = page.evaluate("document.documentElement.scrollWidth")     # header, sidebars, footer too
    assert page_width <= width, f"page wider than the screen ({page_width} > {width})"
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"{kind}-{size}.png", full_page=True)
    page.close()


def test_steps_are_expanded_without_javascript(browser, server):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(server + PAGES["matter"])
    steps = page.locator(".bk-steps details")
    assert steps.count() >= 3
    for i in range(steps.count()):
        assert steps.nth(i).get_attribute("open") is not None
    assert page.locator(".bk-step__body").first.is_visible()
    context.close()


#: What each page type must show with JavaScript off: a selector that must be visible and text that must be there.
NO_JS_MUST_SHOW = {
    "home": (".bk-search input", "常办事项"), "matter": (".bk-materials", "要带的材料"), "tombstone": (".bk-banner--stop", "现在怎么办"),
    "hall": (".bk-facts", "在这里能办的事"), "department": (".bk-list", "办理的事项"), "sop": (".bk-sop-items", "服务要求"),
    "guide": (".bk-step__body", "开办企业"), "search": (".md-content noscript p", "搜索需要浏览器开启 JavaScript"), "fields": (".bk-sop-items", "字段参考"),
    "stats": ("svg.bk-bars", "同区通办覆盖"),
}


@pytest.mark.parametrize("kind", PAGES)
def test_every_page_type_is_readable_without_javascript(browser, server, kind):
    """JavaScript off (old phone, strict settings): content visible, every step open, no script-only controls shown,
    and the search page says how to find a matter without it."""
    context = browser.new_context(java_script_enabled=False, viewport={"width": 390, "height": 844})
    page = context.new_page()
    response = page.goto(server + PAGES[kind])
    assert response.status == 200
    selector, text = NO_JS_MUST_SHOW[kind]
    assert page.locator(selector).first.is_visible(), f"{selector} not visible without JavaScript"
    content = page.locator(".md-content").inner_text()
    assert text in content
    assert page.locator("h1").first.is_visible()
    for i in range(page.locator(".bk-steps details").count()):
        assert page.locator(".bk-steps details").nth(i).get_attribute("open") is not None
    assert page.locator(".bk-tools button:visible").count() == 0, "buttons that need JavaScript are shown"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"{kind}-phone-nojs.png", full_page=True)
    context.close()


def test_large_text_mode_is_remembered(browser, server):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(server + PAGES["matter"])
    before = page.evaluate("parseFloat(getComputedStyle(document.querySelector('.md-typeset p')).fontSize)")
    toggle = page.get_by_role("button", name="大字版")
    toggle.click()
    assert toggle.get_attribute("aria-pressed") == "true"
    page.goto(server + PAGES["home"])
    after = page.evaluate("parseFloat(getComputedStyle(document.querySelector('.md-typeset p')).fontSize)")
    line = page.evaluate("(() => { const s = getComputedStyle(document.querySelector('.md-typeset p')); return parseFloat(s.lineHeight) / parseFloat(s.fontSize); })()")
    assert after >= before * 1.4
    assert line >= 1.3
    context.close()


def test_step_toggle_announces_state_and_is_keyboard_operable(browser, server):
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto(server + PAGES["matter"])
    summary = page.locator(".bk-steps summary").first
    summary.focus()
    page.keyboard.press("Enter")
    assert page.locator(".bk-steps details").first.get_attribute("open") is None
    page.keyboard.press("Enter")
    assert page.locator(".bk-steps details").first.get_attribute("open") is not None
    page.close()
