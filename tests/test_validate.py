"""Tests of the validate stage: one test per kind of bad content, each with the exact `path:line:col: message`
an editor sees, plus the CLI, "all problems at once", and a property test over random edits of a valid matter.

Positions are computed from the text each test writes (`pos`), never hard-coded. Tests that document a known bug
were found by these tests and are fixed; their tests stay as regression tests.
"""

from __future__ import annotations

import copy
import datetime as dt
import gc
import re
import weakref

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from build_tools.load.yamlpos import load_text

from .conftest import (
    BIG_MATTER_ID,
    BIG_MATTER_PATH,
    SMALL_MATTER,
    SMALL_MATTER_ID,
    SMALL_MATTER_PATH,
    ContentTree,
    pos,
    replace_once,
    sources,
)

S = SMALL_MATTER_PATH
B = BIG_MATTER_PATH
PROBLEM_LINE = re.compile(r"^[^:]+:\d+:\d+: .+")


def at(text: str, needle: str, nth: int = 1, path: str = S) -> str:
    """The `path:line:col: ` prefix for the `nth` occurrence of `needle` in `text`."""
    line, col = pos(text, needle, nth)
    return f"{path}:{line}:{col}: "


def small(old: str, new: str) -> str:
    return replace_once(SMALL_MATTER, old, new)


SOP_PATH = "sop/qiye-dangan-chaxun-shouce.yaml"
SOP = """\
id: qiye-dangan-chaxun-shouce
kind: 业务手册
title: 企业登记档案查询业务手册
audience: 内部
matter: qiye-dangan-chaxun
version: 1
effective_from: 2026-01-01
roles:
  - id: front
    name: 综合受理窗口
steps:
  - id: s1
    phase: 收件
    role: front
    action: 核验经办人身份证，确认企业授权。
    checks:
      - ref: m1
        standard: 身份证在有效期内，与本人一致。
        on_fail: 一次性告知
      - ref: c1
        standard: 经办人是企业本身或其委托的人员。
        on_fail: 不予受理
owner: scjg
"""

GUIDE_PATH = "guides/kaiban-qiye.yaml"
GUIDE = """\
id: kaiban-qiye
title: 开办企业一件事
summary: 从办营业执照到查询登记档案，一次办好开办企业的事。
steps:
  - title: 申请设立登记
    text: 网上申报名称并提交设立登记。
    matters: [qiye-sheli-dengji]
  - title: 查询登记档案
    text: 需要时到窗口查询企业登记档案。
    matters: [qiye-dangan-chaxun]
owner: scjg
"""


# --------------------------------------------------------------------------------------------------------------
# The valid tree
# --------------------------------------------------------------------------------------------------------------


def test_valid_tree_has_no_problems(content_tree: ContentTree):
    result = content_tree.validate()
    assert result.problems == []
    assert result.ok
    assert set(result.parsed.matters) == {BIG_MATTER_ID, SMALL_MATTER_ID}
    assert "district-hall" in result.parsed.halls and "scjg" in result.parsed.departments


def test_valid_sop_and_guide_have_no_problems(content_tree: ContentTree):
    content_tree.write(SOP_PATH, SOP)
    content_tree.write(GUIDE_PATH, GUIDE)
    content_tree.register("sop", "qiye-dangan-chaxun-shouce")
    content_tree.register("guide", "kaiban-qiye")
    result = content_tree.validate()
    assert result.problems == []
    assert set(result.parsed.sops) == {"qiye-dangan-chaxun-shouce"}
    assert set(result.parsed.guides) == {"kaiban-qiye"}


class _Cycle:
    def __init__(self):
        self.me = self


def test_validation_leaves_garbage_collection_as_it_was(content_tree: ContentTree):
    """Validation pauses the cyclic collector (issue #7): it must be back on after, and still collect everything."""
    assert gc.isenabled()
    node = _Cycle()
    cycle = weakref.ref(node)
    content_tree.validate()
    assert gc.isenabled() and gc.get_freeze_count() == 0
    del node
    gc.collect()
    assert cycle() is None


def test_related_and_successor_that_exist_are_fine(content_tree: ContentTree):
    content_tree.write(
        S,
        small("related: []", f"related: [{BIG_MATTER_ID}]").replace(
            "  state: 在办\n", f"  state: 合并\n  reason: 已并入企业设立登记一并办理\n  successor: {BIG_MATTER_ID}\n"
        ),
    )
    assert content_tree.problems() == []


# --------------------------------------------------------------------------------------------------------------
# Schema problems (one file)
# --------------------------------------------------------------------------------------------------------------


def test_unknown_key_with_did_you_mean(content_tree: ContentTree):
    text = content_tree.write(S, small("name: 企业登记档案查询", "nmae: 企业登记档案查询"))
    assert content_tree.problems(S) == [
        f"{S}:1:1: 缺少必填字段“name”（事项名称（法定名称））",
        at(text, "nmae") + "未知字段“nmae”；是不是要写“name”？",
    ]


def test_unknown_nested_key_with_did_you_mean(content_tree: ContentTree):
    text = content_tree.write(S, small("    exempt: true", "    exmept: true"))
    assert content_tree.problems(S) == [at(text, "exmept") + "未知字段“exmept”；是不是要写“exempt”？"]


def test_unknown_key_without_close_match_lists_the_fields(content_tree: ContentTree):
    text = content_tree.write(S, small("  reason: 需核验经办人身份证原件\n", "  reason: 需核验经办人身份证原件\n  xyz: 1\n"))
    assert content_tree.problems(S) == [at(text, "xyz") + "未知字段“xyz”；这里可以写的字段有：count、online、reason"]


def test_missing_required_element(content_tree: ContentTree):
    content_tree.write(S, small("summary: 查询、复制本区登记的企业登记档案。\n", ""))
    assert content_tree.problems(S) == [f"{S}:1:1: 缺少必填字段“summary”（一句话说明能办什么）"]


def test_missing_nested_required_element_points_into_its_mapping(content_tree: ContentTree):
    text = content_tree.write(S, small("    value: 0\n    unit: 工作日\n", "    value: 0\n"))
    assert content_tree.problems(S) == [at(text, "value: 0") + "缺少必填字段“unit”（单位：工作日、自然日、小时或分钟）"]


def test_wrong_type_text_for_integer(content_tree: ContentTree):
    text = content_tree.write(S, small("  count: 1\n", "  count: 一次\n"))
    assert content_tree.problems(S) == [at(text, "一次") + "字段“visits.count”：应该是整数，现在是“一次”"]


def test_wrong_type_text_for_list(content_tree: ContentTree):
    text = content_tree.write(S, small("audience: [法人, 自然人]", "audience: 法人"))
    assert content_tree.problems(S) == [at(text, "法人") + "字段“audience”：应该是列表（每项以“- ”开头），现在是“法人”"]


def test_wrong_type_text_for_boolean(content_tree: ContentTree):
    text = content_tree.write(S, small("  charged: false", "  charged: 不收费"))
    assert content_tree.problems(S) == [at(text, "不收费") + "字段“fees.charged”：应该是true 或 false，现在是“不收费”"]


def test_bad_enum_value_lists_the_allowed_values(content_tree: ContentTree):
    text = content_tree.write(S, small("matter_type: 公共服务", "matter_type: 行政审批"))
    assert content_tree.problems(S) == [
        at(text, "行政审批") + "字段“matter_type”：只能是以下之一：行政许可, 行政处罚, 行政强制, 行政征收, 行政给付, 行政检查, "
        "行政确认, 行政奖励, 行政裁决, 其他行政权力, 公共服务；现在是“行政审批”"
    ]


def test_bad_enum_value_in_a_list(content_tree: ContentTree):
    text = content_tree.write(S, small("    form: [纸质]", "    form: [纸张]"))
    assert content_tree.problems(S) == [at(text, "纸张") + "字段“materials.0.form.0”：只能是以下之一：纸质, 电子；现在是“纸张”"]


def test_bad_id_pattern(content_tree: ContentTree):
    content_tree.write(S, small("id: qiye-dangan-chaxun", "id: Qiye_Dangan"))
    assert content_tree.problems(S) == [f"{S}:1:5: 字段“id”：只能用小写字母、数字和连字符，例如 qiye-sheli-dengji；现在是“Qiye_Dangan”"]


def test_bad_date(content_tree: ContentTree):
    text = content_tree.write(S, small("  since: 2020-01-01", "  since: 2020年1月1日"))
    assert content_tree.problems(S) == [at(text, "2020年") + "字段“status.since”：应该是日期，格式 YYYY-MM-DD，现在是“2020年1月1日”"]


def test_bad_time_format_in_hall(content_tree: ContentTree):
    rel = "halls/district-hall.yaml"
    text = content_tree.edit(rel, 'open: "09:00"\n    close: "17:00"', 'open: "9点"\n    close: "17:00"')
    assert content_tree.problems(rel) == [at(text, '"9点"', path=rel) + "字段“hours.0.open”：应是 24 小时制时间，例如 09:00；现在是“9点”"]


def test_number_out_of_range(content_tree: ContentTree):
    text = content_tree.write(S, small("    originals: 1\n", "    originals: 99\n"))
    assert content_tree.problems(S) == [at(text, "99\n") + "字段“materials.0.originals”：应该是 0–20 的整数；来源没有写明时写“未说明”，现在是“99”"]


def test_empty_required_list(content_tree: ContentTree):
    text = content_tree.write(S, small("topics: [档案查询]", "topics: []"))
    assert content_tree.problems(S) == [at(text, "[]") + "字段“topics”：至少要写 1 项"]


# --------------------------------------------------------------------------------------------------------------
# References across files
# --------------------------------------------------------------------------------------------------------------


def test_dangling_hall_reference(content_tree: ContentTree):
    text = content_tree.write(S, small("      hall: district-hall\n", "      hall: no-such-hall\n"))
    assert content_tree.problems() == [at(text, "no-such-hall") + "找不到大厅“no-such-hall”；请写 halls/ 下已有文件的文件名（不含 .yaml）"]


def test_dangling_department_reference(content_tree: ContentTree):
    text = content_tree.write(S, small("  body: scjg", "  body: no-such-dept"))
    assert content_tree.problems() == [
        at(text, "no-such-dept") + "找不到部门“no-such-dept”；请写 departments/ 下已有文件的文件名（不含 .yaml）"
    ]


def test_dangling_matter_reference_in_related(content_tree: ContentTree):
    text = content_tree.write(S, small("related: []", f"related: [{BIG_MATTER_ID}, no-such-matter]"))
    assert content_tree.problems() == [
        at(text, "no-such-matter") + "找不到事项“no-such-matter”；请写 matters/ 下已有文件的文件名（不含 .yaml）"
    ]


def test_dangling_successor(content_tree: ContentTree):
    text = content_tree.write(S, small("  state: 在办\n", "  state: 合并\n  reason: 已并入其他事项\n  successor: no-such-matter\n"))
    assert content_tree.problems() == [
        at(text, "no-such-matter") + "找不到事项“no-such-matter”；请写 matters/ 下已有文件的文件名（不含 .yaml）"
    ]


def test_window_numbers_for_a_hall_not_listed(content_tree: ContentTree):
    text = content_tree.write(S, small("    halls: [district-hall]\n", "    halls: [district-hall]\n    windows:\n      archives-hall: [A01]\n"))
    assert content_tree.problems() == [
        at(text, "archives-hall") + "窗口号写给了大厅“archives-hall”，但它不在 halls 列表里；请先把它加进 halls"
    ]


def test_department_referring_to_missing_hall(content_tree: ContentTree):
    rel = "departments/scjg.yaml"
    text = content_tree.edit(rel, "  - second-registration-center\n", "  - no-such-hall\n")
    assert [p for p in content_tree.problems() if "警告" not in p] == [
        at(text, "no-such-hall", path=rel) + "找不到大厅“no-such-hall”；请写 halls/ 下已有文件的文件名（不含 .yaml）"
    ]


def test_duplicate_implementation_code_across_files(content_tree: ContentTree):
    big = content_tree.text(B)
    code = re.search(r'implementation: "([0-9A-Z]+)"', big).group(1)
    content_tree.write(S, small('implementation: "11110102000201099000A"', f'implementation: "{code}"'))
    # Matters are checked in file-name order, so the later file (qiye-sheli-dengji) is the one reported.
    assert content_tree.problems() == [
        at(big, f'"{code}"', path=B) + f"实施编码 {code} 与 {S} 重复；每个事项的实施编码必须唯一"
    ]


def test_duplicate_id_across_files(content_tree: ContentTree):
    content_tree.write("matters/zz-kaobei.yaml", SMALL_MATTER)
    assert content_tree.problems() == [f"matters/zz-kaobei.yaml:1:5: 事项 id“{SMALL_MATTER_ID}”与 {S} 重复；id 必须唯一"]


def test_duplicate_hall_id_across_files(content_tree: ContentTree):
    text = content_tree.text("halls/district-hall.yaml")
    content_tree.write("halls/zz-copy.yaml", text)
    assert content_tree.problems() == [
        at(text, "district-hall", path="halls/zz-copy.yaml") + "大厅 id“district-hall”与 halls/district-hall.yaml 重复；id 必须唯一"
    ]


def test_duplicate_id_is_reported_in_the_copy_not_the_original(content_tree: ContentTree):
    content_tree.write("matters/aa-kaobei.yaml", SMALL_MATTER)
    problems = content_tree.problems()
    assert problems and not any(p.startswith(S + ":") for p in problems), problems


def test_file_name_differs_from_id(content_tree: ContentTree):
    content_tree.remove(S)
    content_tree.write("matters/dangan-chaxun.yaml", SMALL_MATTER)
    assert content_tree.problems("matters/dangan-chaxun.yaml") == [
        f"matters/dangan-chaxun.yaml:1:5: id“{SMALL_MATTER_ID}”与文件名“dangan-chaxun.yaml”不一致；"
        f"请把文件改名为 {SMALL_MATTER_ID}.yaml，或把 id 改成 dangan-chaxun"
    ]


def test_duplicate_local_ids_in_a_matter(content_tree: ContentTree):
    text = content_tree.write(S, small("  - id: m2\n", "  - id: c1\n"))
    assert content_tree.problems() == [at(text, "c1", nth=2) + "编号“c1”在本事项里已经用过（conditions）；材料和条件的编号要各不相同"]


# --------------------------------------------------------------------------------------------------------------
# Rules within a matter
# --------------------------------------------------------------------------------------------------------------


def test_promised_time_longer_than_legal(content_tree: ContentTree):
    text = content_tree.write(
        S, small("  promised:\n    value: 0\n", "  promised:\n    value: 30\n").replace("handling_type: 即办件", "handling_type: 承诺件")
    )
    assert content_tree.problems() == [at(text, "value: 30") + "承诺时限（30 个工作日）不能超过法定时限（20 个工作日）"]


@pytest.mark.parametrize("days, too_long", [(28, False), (29, True)])
def test_promised_time_compares_across_units(content_tree: ContentTree, days, too_long):
    # 20 working days are 28 natural days.
    text = content_tree.write(
        S,
        small("  promised:\n    value: 0\n    unit: 工作日\n", f"  promised:\n    value: {days}\n    unit: 自然日\n").replace(
            "handling_type: 即办件", "handling_type: 承诺件"
        ),
    )
    expected = [at(text, f"value: {days}") + f"承诺时限（{days} 个自然日）不能超过法定时限（20 个工作日）"] if too_long else []
    assert content_tree.problems() == expected


def test_immediate_matter_with_promised_time(content_tree: ContentTree):
    text = content_tree.write(S, small("  promised:\n    value: 0\n", "  promised:\n    value: 1\n"))
    assert content_tree.problems() == [
        at(text, "即办件") + "即办件的承诺时限应为 0（当场办结），现在是 1 个工作日；要么把承诺时限改为 0，要么把办件类型改为“承诺件”"
    ]


def test_promised_matter_with_zero_time(content_tree: ContentTree):
    text = content_tree.write(S, small("handling_type: 即办件", "handling_type: 承诺件"))
    assert content_tree.problems() == [at(text, "承诺件") + "承诺时限为 0 表示当场办结，办件类型应写“即办件”"]


def test_visits_without_reason(content_tree: ContentTree):
    text = content_tree.write(S, small("  reason: 需核验经办人身份证原件\n", ""))
    assert content_tree.problems() == [at(text, "count: 1") + "到现场 1 次需要写明原因：在 visits 下加上 reason: 例如“需核验身份证原件”"]


def test_zero_visits_without_online_or_express(content_tree: ContentTree):
    text = content_tree.write(S, small("  count: 1\n  reason: 需核验经办人身份证原件\n", "  count: 0\n"))
    assert content_tree.problems() == [at(text, "0\nfees") + "到现场 0 次，但既不能网上办理也不能快递，群众无法办理；请补充网上办理或快递，或改正次数"]


def test_no_channel_at_all(content_tree: ContentTree):
    text = content_tree.write(S, small("  window:\n    halls: [district-hall]\n", ""))
    assert content_tree.problems() == [at(text, "appointment") + "在办事项至少要有窗口办理（window）或网上办理（online）之一"]


def test_charged_fees_without_items(content_tree: ContentTree):
    text = content_tree.write(S, small("  charged: false", "  charged: true"))
    assert content_tree.problems() == [at(text, "charged") + "收费的事项要逐项写出收费项目（items：名称、标准、依据）"]


def test_fee_items_without_charge(content_tree: ContentTree):
    text = content_tree.write(
        S, small("  charged: false\n", "  charged: false\n  items:\n    - name: 复印费\n      standard: 每页 0.5 元\n      basis: 示例收费文件\n")
    )
    assert content_tree.problems() == [at(text, "- name: 复印费") + "写了收费项目，但 charged 是 false；不收费就删掉 items，收费就把 charged 改为 true"]


@pytest.mark.parametrize("name", ["其他材料", "其他相关材料", "法律法规规定的其他材料", "身份证等材料"])
def test_catch_all_material(content_tree: ContentTree, name):
    text = content_tree.write(S, small("    name: 营业执照\n", f"    name: {name}\n"))
    assert content_tree.problems() == [at(text, name) + f"“{name}”是兜底式写法，群众无法据此准备；请逐项写清楚具体要哪份材料"]


def test_catch_all_condition(content_tree: ContentTree):
    text = content_tree.write(S, small("    text: 查询本企业登记档案的，由企业或其委托的人员办理。", "    text: 法律法规规定的其他条件"))
    assert content_tree.problems() == [at(text, "法律法规规定的其他条件") + "受理条件不能写“法律法规规定的其他条件”之类的兜底条款；请逐条写明"]


def test_conditional_material_without_condition(content_tree: ContentTree):
    text = content_tree.write(S, small("    name: 经办人身份证\n    necessity: 必要", "    name: 经办人身份证\n    necessity: 按情形"))
    assert content_tree.problems() == [at(text, "id: m1") + "必要性为“按情形”的材料，要用 condition 写明什么情形下需要"]


def test_conditional_material_with_condition_is_fine(content_tree: ContentTree):
    content_tree.write(S, small("    name: 经办人身份证\n    necessity: 必要", "    name: 经办人身份证\n    necessity: 按情形\n    condition: 委托他人办理时"))
    assert content_tree.problems() == []


def test_material_with_no_copies_and_not_exempt(content_tree: ContentTree):
    text = content_tree.write(S, small("    exempt: true\n", ""))
    assert content_tree.problems() == [at(text, "id: m2") + "原件和复印件份数都是 0；请写明份数，或者写 exempt: true 表示免提交"]


def test_devolved_power_without_from_body(content_tree: ContentTree):
    text = content_tree.write(S, small("  power_source: 法定本级行使", "  power_source: 上级下放"))
    assert content_tree.problems() == [at(text, "上级下放") + "权力来源是“上级下放”，请用 from_body 写明原实施机关"]


def test_devolved_power_with_from_body_is_fine(content_tree: ContentTree):
    content_tree.write(S, small("  power_source: 法定本级行使", "  power_source: 上级下放\n  from_body: 北京市市场监督管理局"))
    assert content_tree.problems() == []


def test_merged_without_successor(content_tree: ContentTree):
    text = content_tree.write(S, small("  state: 在办\n", "  state: 合并\n  reason: 已并入企业设立登记一并办理\n"))
    assert content_tree.problems() == [at(text, "state: 合并") + "状态为“合并”的事项要用 successor 写明接替它的事项 id"]


def test_cancelled_without_reason(content_tree: ContentTree):
    text = content_tree.write(S, small("  state: 在办\n", "  state: 取消\n"))
    assert content_tree.problems() == [at(text, "state: 取消") + "状态为“取消”时要用 reason 写明原因，群众会在页面上看到"]


def test_successor_is_itself(content_tree: ContentTree):
    text = content_tree.write(S, small("  state: 在办\n", f"  state: 合并\n  reason: 合并\n  successor: {SMALL_MATTER_ID}\n"))
    assert content_tree.problems() == [at(text, SMALL_MATTER_ID, nth=2) + "successor 不能是事项自己"]


def test_successor_that_is_cancelled(content_tree: ContentTree):
    content_tree.edit(B, "  state: 在办\n", "  state: 取消\n  reason: 示例取消\n")
    text = content_tree.write(S, small("  state: 在办\n", f"  state: 合并\n  reason: 合并办理\n  successor: {BIG_MATTER_ID}\n"))
    assert content_tree.problems() == [at(text, BIG_MATTER_ID) + f"接替事项“{BIG_MATTER_ID}”已经取消；请指向仍在办理的事项"]


def test_matters_merged_into_each_other_fail(content_tree: ContentTree):
    """Issue #20: both codes led to "已合并，现在请办理 …" of the other; nothing could be applied for."""
    big = content_tree.edit(B, "  state: 在办\n", f"  state: 合并\n  reason: 已并入档案查询\n  successor: {SMALL_MATTER_ID}\n")
    text = content_tree.write(S, small("  state: 在办\n", f"  state: 合并\n  reason: 已并入企业设立登记\n  successor: {BIG_MATTER_ID}\n"))
    tail = "扫码后在这些事项之间来回跳转，哪个都办不了；接替链的终点必须是仍在办理的事项或已取消的事项，请改正其中一个的 successor"
    assert content_tree.problems() == sorted([
        at(big, SMALL_MATTER_ID, path=B) + f"合并、下放的接替关系绕成了圈（{BIG_MATTER_ID} → {SMALL_MATTER_ID} → {BIG_MATTER_ID}），" + tail,
        at(text, BIG_MATTER_ID) + f"合并、下放的接替关系绕成了圈（{SMALL_MATTER_ID} → {BIG_MATTER_ID} → {SMALL_MATTER_ID}），" + tail,
    ])


def test_future_status_date(content_tree: ContentTree):
    text = content_tree.write(S, small("  state: 在办\n  since: 2020-01-01", "  state: 暂停\n  reason: 系统升级\n  since: 2027-01-01"))
    assert content_tree.problems() == [at(text, "2027-01-01") + "状态生效日期 2027-01-01 在今天之后；请在生效后再合并修改"]


def test_future_verification_date(content_tree: ContentTree):
    text = content_tree.write(S, small("  last_verified: 2026-10-01", "  last_verified: 2026-11-28"))
    assert content_tree.problems() == [at(text, "2026-11-28") + "核对日期 2026-11-28 在今天之后"]


def test_complaint_contacts_without_12345(content_tree: ContentTree):
    text = content_tree.write(S, small('      value: "12345"', "      value: 010-0000-2199"))
    assert content_tree.problems() == [
        at(text, "- type: 电话", nth=2) + '监督投诉方式要包括 12345 市民服务热线：加一项 {type: 电话, value: "12345"}'
    ]


def test_consult_phone_same_as_complaint_phone(content_tree: ContentTree):
    text = content_tree.write(S, small("      value: 010-0000-2101", '      value: "12345"'))
    assert content_tree.problems() == [at(text, '"12345"') + "咨询电话 12345 与投诉电话相同；咨询和投诉要用不同的电话"]


# --------------------------------------------------------------------------------------------------------------
# SOPs and guides
# --------------------------------------------------------------------------------------------------------------


def test_sop_check_refers_to_material_the_matter_lacks(content_tree: ContentTree):
    text = content_tree.write(SOP_PATH, replace_once(SOP, "      - ref: m1\n", "      - ref: m9\n"))
    content_tree.register("sop", "qiye-dangan-chaxun-shouce")
    assert content_tree.problems() == [
        at(text, "m9", path=SOP_PATH) + "事项“qiye-dangan-chaxun”里没有编号为“m9”的材料或条件；可用的编号：c1、m1、m2"
    ]


def test_sop_step_role_not_defined(content_tree: ContentTree):
    text = content_tree.write(SOP_PATH, replace_once(SOP, "    role: front\n", "    role: back\n"))
    content_tree.register("sop", "qiye-dangan-chaxun-shouce")
    assert content_tree.problems() == [at(text, "back", path=SOP_PATH) + "岗位“back”没有在 roles 里定义；可用的岗位：front"]


def test_sop_for_missing_matter(content_tree: ContentTree):
    text = content_tree.write(SOP_PATH, replace_once(SOP, "matter: qiye-dangan-chaxun\n", "matter: no-such-matter\n"))
    content_tree.register("sop", "qiye-dangan-chaxun-shouce")
    assert content_tree.problems() == [
        at(text, "no-such-matter", path=SOP_PATH) + "找不到事项“no-such-matter”；请写 matters/ 下已有文件的文件名（不含 .yaml）"
    ]


def test_handbook_without_matter(content_tree: ContentTree):
    text = content_tree.write(SOP_PATH, replace_once(SOP, "matter: qiye-dangan-chaxun\n", ""))
    content_tree.register("sop", "qiye-dangan-chaxun-shouce")
    assert content_tree.problems() == [at(text, "业务手册", path=SOP_PATH) + "业务手册要用 matter 写明对应的事项 id"]


def test_guide_refers_to_missing_matter(content_tree: ContentTree):
    text = content_tree.write(GUIDE_PATH, replace_once(GUIDE, "matters: [qiye-dangan-chaxun]", "matters: [qiye-dangan-chaxun, no-such-matter]"))
    content_tree.register("guide", "kaiban-qiye")
    assert content_tree.problems() == [
        at(text, "no-such-matter", path=GUIDE_PATH) + "找不到事项“no-such-matter”；请写 matters/ 下已有文件的文件名（不含 .yaml）"
    ]


def test_guide_with_one_step(content_tree: ContentTree):
    text = content_tree.write(GUIDE_PATH, GUIDE.split("  - title: 查询登记档案")[0] + "owner: scjg\n")
    content_tree.register("guide", "kaiban-qiye")
    assert content_tree.problems(GUIDE_PATH) == [at(text, "- title", path=GUIDE_PATH) + "字段“steps”：至少要写 2 项"]


# --------------------------------------------------------------------------------------------------------------
# Files that do not load
# --------------------------------------------------------------------------------------------------------------


def test_gbk_file(content_tree: ContentTree):
    content_tree.write_bytes(S, SMALL_MATTER.encode("gbk"))
    line, col = pos(SMALL_MATTER, "企业登记档案查询")
    assert content_tree.problems(S) == [
        f"{S}:{line}:{col}: 文件不是 UTF-8 编码（看起来是 GBK/GB18030，Windows 记事本常这样保存）；请在编辑器里选择“另存为 UTF-8”后再提交"
    ]


def test_empty_file(content_tree: ContentTree):
    content_tree.write("matters/kong.yaml", "")
    assert content_tree.problems() == ["matters/kong.yaml:1:1: 文件是空的；请按模板填写内容，或删除这个文件"]


def test_yaml_syntax_error_in_a_content_file(content_tree: ContentTree):
    text = content_tree.write(S, small("  count: 1\n", "  count: 1\n   reason2: x\n"))
    problems = content_tree.problems(S)
    assert len(problems) == 1 and problems[0].startswith(f"{S}:{pos(text, 'reason2')[0]}:"), problems
    assert "YAML 语法错误" in problems[0]


def test_yml_extension(content_tree: ContentTree):
    content_tree.write("matters/xin-shixiang.yml", "id: xin-shixiang\n")
    assert content_tree.problems() == ["matters/xin-shixiang.yml:1:1: 内容文件的扩展名应为 .yaml，请把 .yml 改成 .yaml"]


def test_duplicate_key_in_a_content_file(content_tree: ContentTree):
    text = content_tree.write(S, small("scope: 全区\n", "scope: 全区\nscope: 全市\n"))
    assert content_tree.problems(S) == [at(text, "scope", nth=2) + f"字段“scope”重复了（第 {pos(text, 'scope')[0]} 行已经写过）；YAML 只会保留后一个，请删掉其中一个"]


# --------------------------------------------------------------------------------------------------------------
# Problems that come from other bugs (xfail)
# --------------------------------------------------------------------------------------------------------------


def test_problem_with_multiline_value_stays_on_one_line(content_tree: ContentTree):
    content_tree.write(S, small("matter_type: 公共服务", 'matter_type: "行政\\n审批"'))
    problems = content_tree.problems(S)
    assert len(problems) == 1
    assert "\n" not in problems[0]


def test_explicit_bool_tag_on_text_is_a_problem_not_a_crash(content_tree: ContentTree):
    text = content_tree.write(S, small("  charged: false", "  charged: !!bool 不收费"))
    problems = content_tree.problems(S)
    assert len(problems) == 1 and problems[0].startswith(at(text, "!!bool"))


def test_schema_error_does_not_also_claim_the_matter_is_gone(content_tree: ContentTree):
    content_tree.write(S, small("matter_type: 公共服务", "matter_type: 行政审批"))
    problems = content_tree.problems()
    assert [p for p in problems if not p.startswith(S + ":")] == []


def test_malformed_registry_is_a_problem_not_a_crash(content_tree: ContentTree):
    content_tree.write("registry/codes.yaml", "codes: [M0001]\n")
    problems = content_tree.problems("registry/codes.yaml")
    assert problems and all(PROBLEM_LINE.match(p) for p in problems)


# --------------------------------------------------------------------------------------------------------------
# All problems at once; the CLI
# --------------------------------------------------------------------------------------------------------------


def _break_three_files(tree: ContentTree) -> None:
    tree.write("matters/kong.yaml", "")
    tree.write(S, small("matter_type: 公共服务", "matter_type: 行政审批"))
    tree.edit("halls/district-hall.yaml", "phone: 010-0000-1001", "phone: 电话")


def test_all_problems_are_reported_at_once(content_tree: ContentTree):
    _break_three_files(content_tree)
    problems = content_tree.validate().problems
    assert len(problems) >= 3
    assert problems == sorted(problems)
    paths = [p.path for p in problems]
    assert paths == sorted(paths)
    assert {"matters/kong.yaml", S, "halls/district-hall.yaml"} <= set(paths)


def test_cli_exit_0_on_valid_tree(content_tree: ContentTree):
    result = content_tree.cli()
    assert result.code == 0, result
    assert result.stdout == ""
    assert result.stderr.startswith("内容检查通过：")
    assert "Traceback" not in result.stderr


def test_cli_exit_1_prints_each_problem(content_tree: ContentTree):
    _break_three_files(content_tree)
    expected = content_tree.problems(today=dt.date.today())
    result = content_tree.cli()
    assert result.code == 1
    assert result.stdout.splitlines() == expected
    assert len(expected) >= 3
    assert result.stderr == f"发现 {len(expected)} 个问题，请按上面的提示修改。\n"


BROKEN_INPUTS = {
    "empty": b"",
    "gbk": SMALL_MATTER.encode("gbk"),
    "bom": b"\xef\xbb\xbf" + SMALL_MATTER.replace("name:", "nmae:").encode("utf-8"),
    "list": b"- a\n- b\n",
    "scalar": b"just text\n",
    "tab": b"id: x\n\tname: y\n",
    "colon": "id: x\nname: a: b\n".encode("utf-8"),
    "two-docs": b"id: x\n---\nid: y\n",
    "deep": b"[" * 100_000,
    "bomb": (
        'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
        + "".join(f"{chr(98 + i)}: &{chr(98 + i)} [" + ",".join([f"*{chr(97 + i)}"] * 9) + "]\n" for i in range(8))
    ).encode(),
    "python-tag": b"id: !!python/object/apply:os.system [echo hi]\n",
    "control-char": b"id: x\x01\n",
    "bad-date": b"id: x\nsince: 2024-13-45\n",
    "non-mapping-values": b"id: [1, 2]\nname: {a: 1}\ncodes: [x]\nsteps: 5\nstatus: null\n",
    "dup-key": b"id: a\nid: b\n",
    "huge-int": b"id: " + b"9" * 5000 + b"\n",
    "too-big": b"id: " + b"x" * (600 * 1024) + b"\n",
}


@pytest.mark.parametrize("name", sorted(BROKEN_INPUTS))
def test_broken_input_gives_problems_not_exceptions(content_tree: ContentTree, name):
    content_tree.write_bytes(f"matters/{name}.yaml", BROKEN_INPUTS[name])
    problems = content_tree.problems()
    assert problems
    assert any(p.startswith(f"matters/{name}.yaml:") for p in problems)
    for p in problems:
        assert PROBLEM_LINE.match(p), p


def test_cli_never_prints_a_traceback_for_broken_input(content_tree: ContentTree):
    for name, data in BROKEN_INPUTS.items():
        content_tree.write_bytes(f"matters/{name}.yaml", data)
        content_tree.write_bytes(f"sop/{name}.yaml", data)
        content_tree.write_bytes(f"halls/{name}.yaml", data)
    result = content_tree.cli()
    assert result.code == 1
    assert "Traceback" not in result.stderr and "Error" not in result.stderr, result.stderr
    lines = result.stdout.splitlines()
    for name in BROKEN_INPUTS:
        for folder in ("matters", "sop", "halls"):
            assert any(line.startswith(f"{folder}/{name}.yaml:") for line in lines), (folder, name)
    for line in lines:
        assert PROBLEM_LINE.match(line), line


@pytest.mark.parametrize("literal", ["!!bool abc", "!!timestamp abc", "!!int ''", "!!float ''"])
def test_cli_no_traceback_for_bad_explicit_tag(content_tree: ContentTree, literal):
    content_tree.write(S, small("scope: 全区", f"scope: {literal}"))
    result = content_tree.cli()
    assert result.code == 1
    assert "Traceback" not in result.stderr


# --------------------------------------------------------------------------------------------------------------
# Property: random edits of a valid matter never crash the validator
# --------------------------------------------------------------------------------------------------------------

_BASE_DATA = {
    S: load_text(S, SMALL_MATTER)[0].data,
    B: load_text(B, sources()[B].decode("utf-8"))[0].data,
}


def _paths(data, loc=()):
    yield loc
    if isinstance(data, dict):
        for k, v in data.items():
            yield from _paths(v, (*loc, k))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            yield from _paths(v, (*loc, i))


_EDITS = [(rel, p) for rel, data in _BASE_DATA.items() for p in _paths(data) if p]
_SCALAR = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**6), max_value=10**6),
    st.text(max_size=12),
    st.sampled_from(["", "00:00", "2026-01-01", "12345", "no", "工作日", "即办件", "district-hall", "scjg", "m1", BIG_MATTER_ID]),
)
_VALUE = st.recursive(
    _SCALAR,
    lambda inner: st.lists(inner, max_size=3)
    | st.dictionaries(st.sampled_from(["id", "name", "value", "unit", "x", "hall", "type"]) | st.text(min_size=1, max_size=6), inner, max_size=3),
    max_leaves=8,
)


def _set(data, path, value, new_key):
    target = data
    for part in path[:-1]:
        target = target[part]
    if new_key is not None and isinstance(target[path[-1]], dict):
        target[path[-1]][new_key] = value
    else:
        target[path[-1]] = value


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(
    edit=st.sampled_from(_EDITS),
    value=_VALUE,
    new_key=st.none() | st.sampled_from(["nmae", "reason", "condition", "from_body", "successor", "items", "x"]),
)
def test_random_edit_of_a_valid_matter_never_crashes(content_tree: ContentTree, edit, value, new_key):
    """Set one key path of a valid matter to a random JSON-like value (or add a key there): validate_tree must
    answer with problems in the `path:line:col: message` shape, never an exception."""
    rel, path = edit
    data = copy.deepcopy(_BASE_DATA[rel])
    _set(data, path, value, new_key)
    content_tree.write(rel, yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
    try:
        result = content_tree.validate()
        for problem in result.problems:
            assert PROBLEM_LINE.match(str(problem)), str(problem)
            assert problem.line >= 1 and problem.col >= 1
    finally:
        content_tree.write(rel, sources()[rel].decode("utf-8"))


def test_a_preview_cache_gives_what_a_fresh_validation_gives(content_tree):
    """The preview server keeps parsed files between saves (load.FileCache); after each save it must report
    exactly what validating from scratch reports, and stop reusing a file the moment it changes."""
    from build_tools.load import FileCache
    from build_tools.validate import validate_tree

    cache = FileCache()
    steps = [lambda: None,
             lambda: content_tree.edit(S, "\nname: ", "\nnmae: "),      # a broken save
             lambda: content_tree.edit(S, "\nnmae: ", "\nname: "),      # fixed again
             lambda: content_tree.remove(S)]                            # a file deleted (its code now dangles)
    for step in steps:
        step()
        cached = validate_tree(content_tree.root, dt.date(2026, 11, 28), cache)
        fresh = validate_tree(content_tree.root, dt.date(2026, 11, 28))
        assert [str(p) for p in cached.problems] == [str(p) for p in fresh.problems]
        assert sorted(cached.parsed.matters) == sorted(fresh.parsed.matters)
