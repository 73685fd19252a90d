"""Accessibility in a real browser (Debian's Chromium through Playwright): axe-core on every page type at phone and
desktop size, keyboard reachability and visible focus, step toggles announcing their state, and a printed matter page.

axe-core is vendored (tests/vendor/axe.min.js, see tests/vendor/README.md) so the checks run offline. It is run with
page.evaluate, which the pages' Content-Security-Policy does not block, so the page is tested exactly as served.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from .test_browser import ARTIFACTS, PAGES, SIZES, browser, open_page, server  # noqa: F401  (module fixtures)

pytestmark = pytest.mark.browser
AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
BLOCKING = ("serious", "critical")


def run_axe(page) -> list[dict]:
    """axe-core's violations on the page as it is now (all rules: WCAG 2.x A/AA and best practices)."""
    if not page.evaluate("typeof window.axe === 'object'"):
        page.evaluate(AXE.read_text(encoding="utf-8") + "\n;0")
    return page.evaluate("axe.run(document, {resultTypes: ['violations']}).then(r => r.violations)")


def describe(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"[{v['impact']}] {v['id']}: {v['help']} ({v['helpUrl']})")
        for node in v["nodes"][:5]:
            lines.append(f"    {node['target']}: {node.get('failureSummary', '').splitlines()[-1:]}")
    return "\n".join(lines)


def save_axe(name: str, violations: list[dict]) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    slim = [{"id": v["id"], "impact": v["impact"], "help": v["help"], "targets": [n["target"] for n in v["nodes"]]} for v in violations]
    (ARTIFACTS / f"axe-{name}.json").write_text(json.dumps(slim, ensure_ascii=False, indent=1), encoding="utf-8")


@pytest.mark.parametrize("kind", PAGES)
@pytest.mark.parametrize("size", SIZES)
def test_axe_finds_no_serious_or_critical_violation(browser, server, kind, size):
    width, height = SIZES[size]
    page = browser.new_page(viewport={"width": width, "height": height})
    open_page(page, server, kind)
    violations = run_axe(page)
    save_axe(f"{kind}-{size}", violations)
    blocking = [v for v in violations if v["impact"] in BLOCKING]
    assert not blocking, f"axe on {kind} at {size} size:\n" + describe(blocking)
    page.close()


def test_axe_on_matter_page_in_large_text_mode_with_everything_open(browser, server):
    """What is hidden at first (FAQ answers, the flowchart) and the 适老化 large-text mode are checked too."""
    context = browser.new_context(viewport={"width": 390, "height": 844})
    context.add_init_script("try { localStorage.setItem('bk-large', '1') } catch (e) {}")
    page = context.new_page()
    open_page(page, server, "matter")
    assert page.evaluate("document.documentElement.classList.contains('bk-large')")
    page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
    violations = run_axe(page)
    save_axe("matter-phone-large-open", violations)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "matter-phone-large.png", full_page=True)
    blocking = [v for v in violations if v["impact"] in BLOCKING]
    assert not blocking, describe(blocking)
    context.close()


# ------------------------------------------------------------------------------------------------------ keyboard

#: Every element a keyboard user should be able to reach: focusable, shown, not inside a closed <details> body.
#: Each gets a data-kbd number so Tab stops can be matched to it.
FOCUSABLES = """() => {
  const sel = 'a[href], button, input:not([type=hidden]), select, textarea, summary, [tabindex]';
  const out = [];
  for (const e of document.querySelectorAll(sel)) {
    if (e.tabIndex < 0 || e.disabled || e.closest('[hidden], [inert]')) continue;
    if (!e.getClientRects().length || getComputedStyle(e).visibility !== 'visible') continue;
    const closed = e.closest('details:not([open])'), summary = e.closest('summary');
    if (closed && !(summary && summary.parentElement === closed)) continue;     // in the hidden body of a closed <details>
    e.dataset.kbd = String(out.length);
    out.push({kbd: e.dataset.kbd, html: e.outerHTML.slice(0, 120)});
  }
  return out;
}"""

#: The focused element: its data-kbd, its focus ring and whether it is on screen.
FOCUSED = """() => {
  const e = document.activeElement;
  if (!e || e === document.body) return null;
  const s = getComputedStyle(e), r = e.getBoundingClientRect();
  return {kbd: e.dataset.kbd || null, html: e.outerHTML.slice(0, 120),
          outline: [s.outlineStyle, parseFloat(s.outlineWidth), s.outlineColor], shadow: s.boxShadow,
          onScreen: r.width > 0 && r.height > 0 && r.bottom > 0 && r.right > 0 && r.top < innerHeight && r.left < innerWidth};
}"""


def visibly_focused(state: dict) -> bool:
    style, width, color = state["outline"]
    ring = style not in ("none", "hidden") and width >= 2 and not re.fullmatch(r"rgba\(.*,\s*0\)", color)
    return ring or state["shadow"] not in ("none", "")


@pytest.mark.parametrize("size", SIZES)
def test_every_interactive_element_on_the_matter_page_is_reachable_and_visibly_focused(browser, server, size):
    width, height = SIZES[size]
    page = browser.new_page(viewport={"width": width, "height": height})
    open_page(page, server, "matter")
    wanted = page.evaluate(FOCUSABLES)
    assert len(wanted) > 20
    reached: dict[str, dict] = {}
    for _ in range(len(wanted) + 15):
        page.keyboard.press("Tab")
        state = page.evaluate(FOCUSED)
        if state is None:                 # past the last element
            break
        assert state["onScreen"], f"focus went to something off screen: {state['html']}"
        assert visibly_focused(state), f"no visible focus ring: {state}"
        if state["kbd"] is not None:
            reached.setdefault(state["kbd"], state)
    missing = [w["html"] for w in wanted if w["kbd"] not in reached]
    assert not missing, "not reachable with Tab:\n" + "\n".join(missing)
    page.close()


def test_phone_menu_opens_and_closes_from_the_keyboard(browser, server):
    """On a phone the navigation is a drawer: its ☰ button is a Tab stop, says whether it is open, and the drawer's
    links take focus only while it is open."""
    page = browser.new_page(viewport={"width": 390, "height": 844})
    open_page(page, server, "matter")
    menu = page.locator("button.bk-menu")
    for _ in range(5):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.matches('button.bk-menu')"):
            break
    else:
        pytest.fail("the menu button is not reachable with Tab")
    assert menu.get_attribute("aria-expanded") == "false"
    page.keyboard.press("Enter")
    page.wait_for_function("document.getElementById('__drawer').checked")
    assert menu.get_attribute("aria-expanded") == "true"
    page.wait_for_timeout(300)           # the drawer slides in
    page.keyboard.press("Tab")
    state = page.evaluate(FOCUSED)
    assert state["onScreen"] and page.evaluate("!!document.activeElement.closest('.md-sidebar--primary')")
    page.keyboard.press("Escape")
    assert menu.get_attribute("aria-expanded") == "false"
    assert page.evaluate("document.activeElement.matches('button.bk-menu')")
    page.keyboard.press(" ")
    assert menu.get_attribute("aria-expanded") == "true"
    page.close()


def test_desktop_has_no_menu_button(browser, server):
    """From 1220 px the navigation is a sidebar; a ☰ there would do nothing."""
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    open_page(page, server, "matter")
    assert page.locator("button.bk-menu").count() == 1
    assert not page.locator("button.bk-menu").is_visible()
    assert page.locator(".md-sidebar--primary a.md-nav__link").first.is_visible()
    page.close()


def disclosures(page) -> dict[str, bool]:
    """Name → expanded for every disclosure (<summary>) in Chromium's accessibility tree, what a screen reader hears."""
    cdp = page.context.new_cdp_session(page)
    nodes = cdp.send("Accessibility.getFullAXTree")["nodes"]
    cdp.detach()
    out = {}
    for n in nodes:
        if n.get("role", {}).get("value") == "DisclosureTriangle":
            props = {p["name"]: p["value"].get("value") for p in n.get("properties", [])}
            out[n.get("name", {}).get("value", "")] = props.get("expanded")
    return out


def test_step_toggles_announce_their_state(browser, server):
    page = browser.new_page(viewport={"width": 390, "height": 844})
    open_page(page, server, "matter")
    steps = {name: expanded for name, expanded in disclosures(page).items() if "步" in name}
    assert len(steps) >= 3 and all(steps.values()), steps
    first = next(iter(steps))
    assert first.startswith("第 1 步"), first
    assert not any(word in name for name in steps for word in ("收起", "展开")), "the visual 收起/展开 is read out as part of the name"
    page.locator(".bk-steps summary").first.focus()
    page.keyboard.press("Enter")
    assert disclosures(page)[first] is False
    page.keyboard.press("Space")
    assert disclosures(page)[first] is True
    page.close()


# ------------------------------------------------------------------------------------------------------- print

def test_matter_page_prints_a_clean_a4_with_checklist_and_qr(browser, server, tmp_path):
    pdftotext, pdfinfo, pdftoppm = (shutil.which(t) for t in ("pdftotext", "pdfinfo", "pdftoppm"))
    if not (pdftotext and pdfinfo and pdftoppm):
        pytest.fail("poppler-utils is not installed: run `make test` (it installs it)")
    zxingcpp = pytest.importorskip("zxingcpp")
    from PIL import Image

    page = browser.new_page(viewport={"width": 390, "height": 844})
    open_page(page, server, "matter")
    materials = page.eval_on_selector_all(".bk-materials tbody th", "ths => ths.map(th => th.firstChild.textContent.trim())")
    exempt = page.locator(".bk-exempt").inner_text()
    short_url = page.locator(".bk-qr figcaption strong").inner_text().strip()
    assert materials and short_url.startswith("HTTP")

    # Print media: no navigation, header, sidebars, footer or buttons.
    page.emulate_media(media="print")
    for selector in (".md-header", ".md-sidebar--primary", ".md-sidebar--secondary", ".md-footer", ".bk-tools", ".md-top"):
        if page.locator(selector).count():
            assert page.eval_on_selector(selector, "e => getComputedStyle(e).display") == "none", selector

    ARTIFACTS.mkdir(exist_ok=True)
    pdf = ARTIFACTS / "matter-print.pdf"
    page.pdf(path=pdf, format="A4", print_background=True)
    page.close()

    info = subprocess.run([pdfinfo, pdf], capture_output=True, text=True, check=True).stdout
    width_pt, height_pt = map(float, re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", info).groups())
    assert abs(width_pt - 595.3) < 2 and abs(height_pt - 841.9) < 2, info           # A4
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    text = subprocess.run([pdftotext, "-enc", "UTF-8", pdf, "-"], capture_output=True, text=True, check=True).stdout
    flat = re.sub(r"\s+", "", text)
    assert "请带齐下列材料（一次性告知）" in flat
    for name in materials:
        assert re.sub(r"\s+", "", name) in flat, f"material missing from the printout: {name}"
    assert re.sub(r"\s+", "", exempt)[:12] in flat
    assert short_url in flat
    for chrome in ("跳转至", "大字版", "打印本页", "目录", "Made with", "下载二维码图片"):
        assert chrome not in flat, f"{chrome!r} printed"
    assert "示例数据" in flat, "the sample-data notice must be on paper too"

    # The QR code on paper decodes to the page's short address.
    subprocess.run([pdftoppm, "-r", "150", "-png", pdf, tmp_path / "p"], check=True)
    found = {}
    for png in sorted(tmp_path.glob("p-*.png")):
        for result in zxingcpp.read_barcodes(Image.open(png)):
            found[result.text] = png
    assert short_url in found, f"QR code not found or not decodable in the {pages}-page printout: {sorted(found)}"
    for png in sorted(tmp_path.glob("p-*.png")):
        if png.name in ("p-1.png", "p-01.png") or png == found[short_url]:
            Image.open(png).save(ARTIFACTS / f"matter-print-{png.stem}.png", optimize=True)
