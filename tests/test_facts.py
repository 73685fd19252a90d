"""The facts a real 办事指南 states, as the validator and the lint check them (exact `path:line:col: message`)."""

from __future__ import annotations

import pytest

from build_tools.editors.lint import lint, load_glossary

from .conftest import SMALL_MATTER, SMALL_MATTER_PATH, ContentTree, pos, replace_once

S = SMALL_MATTER_PATH


def at(text: str, needle: str, nth: int = 1) -> str:
    line, col = pos(text, needle, nth)
    return f"{S}:{line}:{col}: "


def small(old: str, new: str) -> str:
    return replace_once(SMALL_MATTER, old, new)


def test_a_window_number_must_be_in_the_halls_file(content_tree: ContentTree):
    text = content_tree.write(S, small("    halls: [district-hall]\n", "    halls: [district-hall]\n    windows:\n      district-hall: [A12, A21]\n"))
    problems = content_tree.problems(S)
    assert len(problems) == 1 and problems[0].startswith(at(text, "A21") + "西城区政务服务中心没有窗口“A21”；halls/district-hall.yaml 里登记的窗口有：A01、A12")


def test_a_window_kind_must_exist_in_every_listed_hall(content_tree: ContentTree):
    text = content_tree.write(S, small("    halls: [district-hall]\n", "    halls: [district-hall, archives-hall]\n    window_kind: 综合受理\n"))
    line, col = pos(text, "window_kind: ")
    assert content_tree.problems(S) == [f"{S}:{line}:{col + len('window_kind: ')}: 西城区档案馆查档大厅没有“综合受理”窗口；请在大厅文件里登记，或改正 window_kind"]


def test_by_hukou_needs_street_halls_that_name_their_street(content_tree: ContentTree):
    rule = "    halls: [district-hall]\n    jurisdiction:\n      rule: 户籍地\n"
    text = content_tree.write(S, small("    halls: [district-hall]\n", rule))
    assert content_tree.problems(S) == [at(text, "rule: 户籍地") + "按户籍地、居住地等办理的事项要列出街道大厅（halls 里至少一个街道大厅或社区服务站）"]
    text = content_tree.write(S, small("    halls: [district-hall]\n", rule.replace("[district-hall]", "[district-hall, yuetan-street-hall]")))
    hall = content_tree.text("halls/yuetan-street-hall.yaml")
    if "\nstreet:" in hall:
        content_tree.write("halls/yuetan-street-hall.yaml", "\n".join(line for line in hall.splitlines() if not line.startswith("street:")) + "\n")
    assert content_tree.problems(S) == [at(text, "yuetan-street-hall") + "月坛街道政务服务中心没有写所在街道（street）；按户籍地、居住地办理的事项要据此帮群众找到大厅"]


@pytest.mark.parametrize("basis, needle, message", [
    ("  - title: 企业信息公示暂行条例\n    article: 第六条\n", "企业信息公示暂行条例", "法律法规名称要带书名号，例如《企业信息公示暂行条例》"),
    ("  - doc_no: 京政办发[2022]5 号\n", "京政办发", "文号的年份要用六角括号〔〕，例如“京政办发〔2022〕5 号”"),
    ("  - doc_no: 京政办发（2022）5 号\n", "京政办发", "文号的年份要用六角括号〔〕，例如“京政办发〔2022〕5 号”"),
    ("  - excerpt: 只有摘录\n", "excerpt", "设定依据至少要写法律法规名称（title）或文号（doc_no）"),
])
def test_a_legal_basis_is_written_as_the_law_cites_it(content_tree: ContentTree, basis, needle, message):
    text = content_tree.write(S, small("  - title: 《企业信息公示暂行条例》\n    article: 第六条\n", basis))
    line, _ = pos(text, needle)
    problems = content_tree.problems(S)
    assert len(problems) == 1 and problems[0].endswith(message) and problems[0].startswith(f"{S}:{line}:")


def test_a_legal_basis_may_give_the_whole_law_or_only_its_number(content_tree: ContentTree):
    content_tree.write(S, small("  - title: 《企业信息公示暂行条例》\n    article: 第六条\n", "  - title: 《企业信息公示暂行条例》\n    article: 全文\n  - doc_no: 京政办发〔2022〕5 号\n"))
    assert content_tree.problems(S) == []


def test_only_catch_all_conditions_fail(content_tree: ContentTree):
    content_tree.write(S, small("    text: 查询本企业登记档案的，由企业或其委托的人员办理。", "    text: 除符合上述其他条件外，还应由企业或其委托的人员办理。"))
    assert content_tree.problems(S) == []
    text = content_tree.write(S, small("    text: 查询本企业登记档案的，由企业或其委托的人员办理。", "    text: 法律法规规定的其他条件。"))
    assert content_tree.problems(S) == [at(text, "法律法规规定的其他条件") + "受理条件不能写“法律法规规定的其他条件”之类的兜底条款；请逐条写明"]


def test_a_count_the_source_does_not_state_is_written_so_and_the_lint_warns(content_tree: ContentTree):
    text = content_tree.write(S, small("    originals: 1\n    copies: 0\n", "    originals: 未说明\n    copies: 0\n"))
    result = content_tree.validate()
    assert result.ok, result.problems
    terms, _ = load_glossary(content_tree.root)
    warnings = [str(p) for p in lint(content_tree.root, result.parsed, terms) if p.path == S and "未说明" in p.message]
    assert warnings == [at(text, "未说明") + "警告: “materials.0.originals”写的是“未说明”：页面上会显示“以窗口告知为准”；请向办理窗口或依据文件核实后补上"]


def test_a_count_that_is_neither_a_number_nor_unstated(content_tree: ContentTree):
    text = content_tree.write(S, small("    originals: 1\n    copies: 0\n", "    originals: 一份\n    copies: 0\n"))
    assert content_tree.problems(S) == [at(text, "一份") + "字段“materials.0.originals”：应该是 0–20 的整数；来源没有写明时写“未说明”，现在是“一份”"]


def test_a_range_is_written_least_first(content_tree: ContentTree):
    text = content_tree.write(S, small("    where:\n      hall: district-hall\n", "    where:\n      hall: district-hall\n    duration: {value: 10, max: 8, unit: 分钟}\n"))
    assert content_tree.problems(S) == [at(text, "{value: 10") + "字段“steps.0.duration”：范围写反了：max（8）应大于 value（10）；8–10 分钟写 value: 8, max: 10"]


def test_matters_that_look_like_one_matter_twice_get_a_warning_not_an_error(content_tree: ContentTree):
    twin = SMALL_MATTER.replace("id: qiye-dangan-chaxun", "id: qiye-dangan-chaxun-er").replace("11110102000201099000A", "11110102000201099000B")
    content_tree.write("matters/qiye-dangan-chaxun-er.yaml", twin)
    content_tree.register("matter", "qiye-dangan-chaxun-er")
    result = content_tree.validate()
    assert result.ok
    warnings = [str(p) for p in result.problems if "可能是同一事项" in p.message]
    line, col = pos(SMALL_MATTER, '"000201099000"')  # the later file in path order ("-" sorts before ".")
    assert warnings == [f"{S}:{line}:{col}: 警告: 与 matters/qiye-dangan-chaxun-er.yaml 的基本编码相同，又都叫“企业登记档案查询”，可能是同一事项写了两遍；"
                        "如果是不同的业务办理项，请把名称和俗称写得能区分开"]


def test_a_link_names_an_existing_other_matter(content_tree: ContentTree):
    text = content_tree.write(S, small("related: []\n", "related: []\nlinks:\n  - {type: 前置, matter: no-such-matter}\n  - {type: 结果用于, matter: qiye-dangan-chaxun}\n"))
    assert content_tree.problems(S) == [at(text, "no-such-matter") + "找不到事项“no-such-matter”；请写 matters/ 下已有文件的文件名（不含 .yaml）",
                                        at(text, "qiye-dangan-chaxun}") + "links 不能指向事项自己"]


def test_a_window_kind_is_not_needed_where_window_numbers_are_listed(content_tree: ContentTree):
    text = small("    halls: [district-hall]\n", "    halls: [district-hall, archives-hall]\n    windows: {archives-hall: [F01]}\n    window_kind: 综合受理\n")
    content_tree.write(S, text)
    assert [p for p in content_tree.problems(S) if "window_kind" in p or "没有窗口" in p] == []


def test_a_department_at_a_professional_window_should_say_it_is_stationed_there(content_tree: ContentTree):
    """The small matter (区市场监管局) is taken at the archives hall's window F01, a 专业窗口 scjg does not list."""
    content_tree.write(S, small("    halls: [district-hall]\n", "    halls: [district-hall, archives-hall]\n    windows: {archives-hall: [F01]}\n"))
    result = content_tree.validate()
    assert result.ok
    warnings = [str(p) for p in result.problems if "halls 里" in p.message]
    dept = content_tree.text("departments/scjg.yaml")
    line, col = pos(dept, "  - district-hall")
    assert warnings == [f"departments/scjg.yaml:{line}:{col + 2}: 警告: “企业登记档案查询”在西城区档案馆查档大厅有本部门的窗口，halls 里却没有写 archives-hall；"
                        "请把它加进 halls（大厅页面的“进驻部门”据此列出）"]


def test_the_halls_of_a_where_variant_must_be_the_matters_own(content_tree: ContentTree):
    text = content_tree.write(S, small("    halls: [district-hall]\n", "    halls: [district-hall]\n    jurisdiction:\n      rule: 任一大厅\n"
                                       "      variants:\n        - {when: {x: y}, rule: 任一大厅, halls: [archives-hall]}\n"))
    assert at(text, "archives-hall]") + "大厅“archives-hall”不在 halls 里；这里只能写本事项可以办理的大厅：district-hall" in content_tree.problems(S)
