"""The 你的情况 form in a real browser (Debian's Chromium through Playwright) on the built sample: a citizen answers
the questions and sees only their case; the address keeps the answers; without JavaScript nothing is lost."""

from __future__ import annotations

import pytest

from .test_a11y import BLOCKING, describe, run_axe, save_axe
from .test_browser import ARTIFACTS, SIZES, browser, server  # noqa: F401  (module fixtures)

pytestmark = pytest.mark.browser
CHANGE = "matters/qiye-biangeng-dengji/"
BIRTH = "matters/shengyu-dengji/"


def shown_materials(page) -> list[str]:
    """The ids of the materials the page shows now: table rows and the 不用带 list."""
    return page.evaluate("""() => [...document.querySelectorAll('.bk-materials tbody tr, .bk-exempt span[id]')]
        .filter(e => !e.closest('[hidden]') && e.getClientRects().length).map(e => e.id)""")


def answer_box(page) -> str:
    return page.inner_text(".bk-answer")


def test_only_changing_the_supervisor_shows_that_case_and_no_45_day_wait(browser, server):
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto(server + CHANGE)
    assert set(shown_materials(page)) >= {"m1", "m6", "m9", "m11"}, "before any answer every case is shown"
    assert "45" in answer_box(page)
    page.get_by_label("董事、监事、经理（备案）").check()
    assert shown_materials(page) == ["m1", "m2", "m6"]
    box = answer_box(page)
    assert "3 份材料" in box and "45" not in box and "公告" not in box and "《备案通知书》" in box
    assert "已按你的情况列出" in page.inner_text("#bk-case-status")
    assert "biangeng=beian" in page.url
    page.close()


def test_the_address_round_trips_the_answers(browser, server):
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto(server + CHANGE)
    page.get_by_label("股东或股权（股权转让）").check()
    page.get_by_label("有自然人股东转让股权").check()
    page.get_by_label("法定代表人").check()
    url, materials, box = page.url, shown_materials(page), answer_box(page)
    assert "biangeng=fading,gudong" in url and "zhuanrang=ziranren" in url
    again = browser.new_page(viewport={"width": 390, "height": 844})
    again.goto(url)
    assert again.is_checked("input[name=biangeng][value=fading]") and again.is_checked("input[name=zhuanrang][value=ziranren]")
    assert not again.is_checked("input[name=biangeng][value=jianzi]")
    assert shown_materials(again) == materials and answer_box(again) == box
    assert "m11" in materials, "the natural-person shareholder's tax certificate"
    page.close()
    again.close()


def test_a_named_situation_link_opens_its_case(browser, server):
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto(server + CHANGE + "?s=jianzi")
    assert page.is_checked("input[name=biangeng][value=jianzi]")
    assert "申请前要先减资公告 45 个自然日" in answer_box(page)
    page.click("text=显示全部情形")
    assert not page.is_checked("input[name=biangeng][value=jianzi]") and "?" not in page.url
    page.close()


def test_a_migrant_couple_is_sent_to_the_street_hall_of_their_residence(browser, server):
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto(server + BIRTH + "?s=liudong-qian")
    assert "到你居住地所在街道的政务服务中心" in answer_box(page)
    assert "m4" in shown_materials(page) and "m5" not in shown_materials(page)
    halls = page.locator(".bk-halls > li")
    assert halls.count() == 16
    page.select_option("#bk-street", "月坛街道")
    visible = [t for t, v in zip(halls.all_inner_texts(), [h.is_visible() for h in halls.all()]) if v]
    assert len(visible) == 1 and visible[0].startswith("月坛街道政务服务中心")
    assert page.inner_text("[data-bk-finder-count]") == "找到 1 个大厅"
    page.get_by_label("至少一方是西城区户籍").check()
    assert "任选其一" in answer_box(page)
    page.close()


def test_without_javascript_every_situation_is_on_the_page(browser, server):
    context = browser.new_context(viewport={"width": 390, "height": 844}, java_script_enabled=False)
    page = context.new_page()
    page.goto(server + CHANGE)
    assert not page.is_visible("#bk-case-form")
    assert len(shown_materials(page)) == 11
    table = page.locator(".bk-case-table")
    assert table.is_visible()
    headers = table.locator("thead th").all_inner_texts()
    assert headers[1:] == ["只变更监事", "变更法定代表人", "变更住所", "变更公司名称", "变更经营范围", "增加注册资本", "减少注册资本",
                           "自然人股东转让股权", "法人股东转让股权"]
    row = table.locator("tbody tr", has_text="减资公告情况").locator("td").all_inner_texts()
    assert [cell == "✓" for cell in row] == [False] * 6 + [True, False, False]
    context.close()


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("large", [False, True], ids=["normal", "large-text"])
def test_axe_finds_nothing_serious_on_the_answered_form(browser, server, size, large):
    width, height = SIZES[size]
    context = browser.new_context(viewport={"width": width, "height": height})
    if large:
        context.add_init_script("try { localStorage.setItem('bk-large', '1') } catch (e) {}")
    page = context.new_page()
    page.goto(server + BIRTH + "?s=liudong-hou")
    page.select_option("#bk-street", "德胜街道")
    violations = run_axe(page)
    name = f"situations-{size}-{'large' if large else 'normal'}"
    save_axe(name, violations)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"{name}.png", full_page=True)
    blocking = [v for v in violations if v["impact"] in BLOCKING]
    assert not blocking, describe(blocking)
    context.close()


def test_the_form_is_answered_from_the_keyboard_and_focus_stays_visible(browser, server):
    """Tab to the first question, arrow keys between its options, Space to choose: the case is shown as with a mouse."""
    from .test_a11y import FOCUSED, visibly_focused

    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto(server + BIRTH)
    page.focus("input[name=huji][value=xicheng]")
    page.keyboard.press("ArrowDown")  # radio group: the arrow moves to and picks the next option
    assert page.is_checked("input[name=huji][value=liudong]")
    state = page.evaluate(FOCUSED)
    assert state["onScreen"] and visibly_focused(state), state
    for name in ("shijian", "shei"):
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.name") == name
        page.keyboard.press("Space")
    assert page.is_checked("input[name=shijian][value=qian]") and page.is_checked("input[name=shei][value=benren]")
    assert "到你居住地所在街道的政务服务中心" in answer_box(page)
    assert "已按你的情况列出" in page.inner_text("#bk-case-status")
    page.close()


def test_the_printed_page_has_the_situation_table_and_not_the_form(browser, server):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(server + CHANGE + "?s=jianshi")
    page.emulate_media(media="print")
    assert page.is_visible(".bk-case-table") and not page.is_visible("#bk-case-form")
    assert shown_materials(page) == ["m1", "m2", "m6"], "the list printed is the chosen case's"
    page.close()
