"""Editors' tools (issue #4): `new`, `lint` and `validate --warnings`, `diff`, `report stale`, CODEOWNERS,
the pre-commit hooks, and git dates with the Atom feed.

Each command runs on the sample (a private copy) and on broken input. Positions are computed from the text each
test writes (`pos`), never hard-coded; the review diff runs on two real commits of a temporary git repository.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml

from build_tools.cli import VERBS
from build_tools.cli import main as cli
from build_tools.editors.changes import Removal, compare_revisions
from build_tools.editors.lint import GLOSSARY, MAX_SENTENCE, PLACEHOLDER, lint, load_glossary, sentences, visible_length
from build_tools.editors.ownership import codeowners, months_before
from build_tools.editors.scaffold import next_implementation
from build_tools.load.gitdates import FileDates, git_file_dates
from build_tools.load.registry import load_registry
from build_tools.model import Audience, build_catalogue, view
from build_tools.render.site import render_site
from build_tools.settings import load_settings
from build_tools.validate import validate_tree

from .conftest import SMALL_MATTER, SMALL_MATTER_PATH, ContentTree, pos, replace_once
from .support import REPO, copy_project

S = SMALL_MATTER_PATH
#: 63 characters in one sentence: over the limit, and plausible at a window.
LONG = "凡是在本区办理过设立、变更或者注销登记的企业，以及这些企业的股东、法定代表人和经办人员，都可以带上身份证到窗口查询和复制档案。"
GLOSSARY_TEXT = """\
terms:
  - term: 全程网办
    explanation: 从申请到拿到结果都在网上办
  - term: 容缺受理
    explanation: 次要材料暂时不全时先受理，之后限期补交
"""


def at(text: str, needle: str, nth: int = 1, path: str = S) -> str:
    line, col = pos(text, needle, nth)
    return f"{path}:{line}:{col}: "


def lint_tree(root: Path, path: str | None = None) -> list[str]:
    """Every lint problem as printed, only those in `path` when it is given."""
    terms, problems = load_glossary(root)
    return [str(p) for p in problems + lint(root, validate_tree(root).parsed, terms) if path is None or p.path == path]


def run_cli(capsys, *args: str) -> tuple[int, str, str]:
    code = cli([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def tree(content_tree: ContentTree) -> ContentTree:
    content_tree.write(GLOSSARY.as_posix(), GLOSSARY_TEXT)
    return content_tree


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    return copy_project(tmp_path / "sample")


# --------------------------------------------------------------------------------------------------------------
# new
# --------------------------------------------------------------------------------------------------------------


def test_new_matter_validates_at_once_gets_a_short_code_and_lint_lists_its_placeholders(sample: Path, capsys):
    before, _, _ = load_registry(sample)
    code, out, err = run_cli(capsys, "new", "matter", "--root", sample, "--department", "scjg", "--name", "企业名称自主申报",
                             "--id", "qiye-mingcheng-shenbao")
    assert code == 0, err
    path = "matters/qiye-mingcheng-shenbao.yaml"
    assert out.strip() == path
    result = validate_tree(sample)
    assert result.problems == []
    m = result.parsed.matters["qiye-mingcheng-shenbao"][1]
    assert m.authority.body == m.review.owner == "scjg" and m.name == "企业名称自主申报"
    assert m.channels.window.halls == ["district-hall", "second-registration-center", "jinrongjie-street-hall"]  # where scjg has windows
    assert m.contacts.consult[0].value == "010-0000-2101"  # the department's phone
    after, _, _ = load_registry(sample)
    assert set(after) - set(before) == {"M0043"} and after["M0043"].id == "qiye-mingcheng-shenbao"
    text = (sample / path).read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=../schemas/matter.schema.json\n")
    assert "M0043" in text
    errors = [p for p in lint_tree(sample) if p.startswith(path) and "警告" not in p]
    values = [line for line in text.splitlines() if not line.lstrip().startswith("#")]
    assert len(errors) == sum(line.count(PLACEHOLDER) for line in values) + 1  # plus the placeholder 基本编码
    line, col = pos(text, f"summary: {PLACEHOLDER}")
    assert f"{path}:{line}:{col + len('summary: ')}: 字段“summary”还是脚手架的占位文字（请填写）；请按上方注释的提示改成实际内容" in errors
    assert f"{at(text, '000000000000', path=path)}基本编码还是占位值 000000000000；请填写基本目录中的编码，并把实施编码中间的 12 位改成同一编码" in errors
    for line in text.splitlines():  # every required element has a prompt: the line before it is a comment
        if re.match(r"^[a-z_]+:", line):
            previous = text.splitlines()[text.splitlines().index(line) - 1]
            assert previous.startswith("#"), line


def test_a_filled_in_scaffold_has_no_lint_errors(sample: Path, capsys):
    assert run_cli(capsys, "new", "matter", "--root", sample, "--department", "canlian", "--name", "Guide Dog Permit",
                   "--catalog", "001117001000")[0] == 0
    path = sample / "matters/guide-dog-permit.yaml"
    text = path.read_text(encoding="utf-8")
    assert '  implementation: "11110102001117001000B"' in text  # A is canjiren-zheng's
    path.write_text(text.replace(PLACEHOLDER, "按实际情况填写的内容。"), encoding="utf-8")
    assert validate_tree(sample).ok
    assert [p for p in lint_tree(sample) if "guide-dog-permit" in p and "警告" not in p] == []


def test_new_matter_with_situations_has_a_question_situations_and_an_example_that_validate(sample: Path, capsys):
    assert run_cli(capsys, "new", "matter", "--root", sample, "--department", "wjw", "--name", "Test Situations",
                   "--catalog", "000716009000", "--situations")[0] == 0
    path = sample / "matters/test-situations.yaml"
    text = path.read_text(encoding="utf-8")
    assert validate_tree(sample).problems == []
    filled = text.replace(f"name: {PLACEHOLDER}, answers: {{q1: a}}", "name: 甲情形, answers: {q1: a}")
    filled = filled.replace(f"name: {PLACEHOLDER}, answers: {{q1: b}}", "name: 乙情形, answers: {q1: b}").replace(PLACEHOLDER, "按实际情况填写的内容。")
    path.write_text(filled, encoding="utf-8")
    result = validate_tree(sample)
    assert result.ok, [str(p) for p in result.problems]
    m = result.parsed.matters["test-situations"][1]
    assert [q.id for q in m.questions] == ["q1"] and [s.id for s in m.situations] == ["qingxing-a", "qingxing-b"]
    assert m.examples[0].expect.materials == ["m1", "m2"] and m.materials[1].when == {"q1": "b"}
    assert [p for p in lint_tree(sample) if "test-situations" in p and "警告" not in p] == []
    path.write_text(filled.replace("materials: [m1, m2]", "materials: [m1]"), encoding="utf-8")
    assert any("例子" in p.message for p in validate_tree(sample).problems), "the example is checked"


def test_new_sop_and_guide_validate(sample: Path, capsys):
    assert run_cli(capsys, "new", "sop", "--root", sample, "--department", "canlian", "--name", "残疾人证业务手册",
                   "--id", "canjiren-zheng-handbook", "--matter", "canjiren-zheng")[0] == 0
    assert run_cli(capsys, "new", "sop", "--root", sample, "--department", "zwfwj", "--name", "爱心窗口服务规范", "--id", "aixin-window")[0] == 0
    assert run_cli(capsys, "new", "guide", "--root", sample, "--department", "canlian", "--name", "残疾人一件事",
                   "--id", "canjiren-yijianshi", "--matters", "canjiren-zheng, yanglao-zhucan-ka")[0] == 0
    result = validate_tree(sample)
    assert result.problems == []
    assert result.parsed.sops["canjiren-zheng-handbook"][1].kind == "业务手册"
    assert result.parsed.sops["aixin-window"][1].kind == "窗口服务规范"
    assert [s.matters for s in result.parsed.guides["canjiren-yijianshi"][1].steps] == [["canjiren-zheng"], ["yanglao-zhucan-ka"]]
    entries, _, _ = load_registry(sample)
    coded = {(e.kind, e.id): c for c, e in entries.items()}
    assert coded[("sop", "canjiren-zheng-handbook")] == "S009" and coded[("sop", "aixin-window")] == "S010"
    assert coded[("guide", "canjiren-yijianshi")] == "G005"
    placeholders = [p for p in lint_tree(sample) if "占位文字" in p]
    assert {p.split(":")[0] for p in placeholders} == {"sop/canjiren-zheng-handbook.yaml", "sop/aixin-window.yaml", "guides/canjiren-yijianshi.yaml"}


@pytest.mark.parametrize("args, message", [
    (["matter", "--department", "scjg", "--name", "企业名称自主申报"], "无法从名称“企业名称自主申报”得出英文 id；请用 --id 指定"),
    (["matter", "--department", "nope", "--name", "x", "--id", "x"], "找不到部门“nope”"),
    (["matter", "--department", "scjg", "--name", "x", "--id", "Bad_Id"], "id“Bad_Id”不能用：只能用小写字母、数字和连字符"),
    # Issue #20: past the 80 characters a file may be named, and names Windows keeps for devices.
    (["matter", "--department", "scjg", "--name", "x", "--id", "a" * 120], "id 太长（120 个字符，最多 80 个）"),
    (["matter", "--department", "scjg", "--name", "x", "--id", "a" * 300], "id 太长（300 个字符，最多 80 个）"),
    (["matter", "--department", "scjg", "--name", "x", "--id", "con"], "“con”是 Windows 保留的设备名"),
    (["sop", "--department", "scjg", "--name", "x", "--id", "lpt1"], "“lpt1”是 Windows 保留的设备名"),
    (["guide", "--department", "scjg", "--name", "AUX", "--matters", "canjiren-zheng,qiye-sheli-dengji"], "“aux”是 Windows 保留的设备名"),
    (["matter", "--department", "scjg", "--name", "x", "--id", "canjiren-zheng"], "matters/canjiren-zheng.yaml 已经存在"),
    (["matter", "--department", "scjg", "--name", "x", "--id", "x", "--catalog", "123"], "基本编码“123”应为 12 位数字或大写字母"),
    (["sop", "--department", "scjg", "--name", "x", "--id", "x", "--matter", "nope"], "找不到事项“nope”"),
    (["guide", "--department", "scjg", "--name", "x", "--id", "x", "--matters", "canjiren-zheng"], "场景指南至少包括两个事项"),
    (["guide", "--department", "scjg", "--name", "x", "--id", "x", "--matters", "canjiren-zheng,nope"], "找不到事项：nope"),
])
def test_new_refuses_bad_input_and_writes_nothing(sample: Path, capsys, args, message):
    registry = (sample / "registry/codes.yaml").read_bytes()
    files = sorted(p for p in sample.rglob("*.yaml"))
    code, out, err = run_cli(capsys, "new", *args, "--root", sample)
    assert code == 1 and out == ""
    assert message in err and "Traceback" not in err
    assert (sample / "registry/codes.yaml").read_bytes() == registry
    assert sorted(p for p in sample.rglob("*.yaml")) == files


def test_new_never_reuses_an_id_the_registry_has_seen(sample: Path, capsys):
    (sample / "matters/canjiren-zheng.yaml").unlink()
    code, _, err = run_cli(capsys, "new", "matter", "--root", sample, "--department", "canlian", "--name", "x", "--id", "canjiren-zheng")
    assert code == 1 and "即使文件已删除也不能再用" in err


def test_next_implementation_code_takes_the_first_free_letter():
    parsed = validate_tree(REPO).parsed
    assert next_implementation(parsed, "000130001000") == "11110102000130001000C"  # A and B are taken
    assert next_implementation(parsed, "999999999999") == "11110102999999999999A"


# --------------------------------------------------------------------------------------------------------------
# lint and validate --warnings
# --------------------------------------------------------------------------------------------------------------


def long_warning(text: str, needle: str, sentence: str = LONG, nth: int = 1) -> str:
    return (at(text, needle, nth) + f"警告: 这句话有 {visible_length(sentence)} 个字（“{sentence[:12]}…”），超过 {MAX_SENTENCE} 个字，"
            "在窗口和手机上不容易读懂；请拆成几个短句")


def test_sentence_helpers():
    assert visible_length(LONG) == 63 > MAX_SENTENCE
    assert list(sentences("先取号。再排队！\n然后 交材料")) == [(0, "先取号。"), (4, "再排队！"), (9, "然后 交材料")]
    assert visible_length("点[这里](https://example.gov.cn/a-very-long-address)预约") == 5


def test_long_sentence_in_a_plain_scalar_points_at_the_sentence(tree: ContentTree):
    text = tree.write(S, replace_once(SMALL_MATTER, "summary: 查询、复制本区登记的企业登记档案。", f"summary: 查询、复制本区登记的企业登记档案。{LONG}"))
    assert lint_tree(tree.root, S) == [long_warning(text, LONG)]


def test_long_sentence_in_a_block_scalar(tree: ContentTree):
    old = "    text: 带上身份证到综合受理窗口，说明要查询的企业名称，当场打印档案。\n"
    text = tree.write(S, replace_once(SMALL_MATTER, old, f"    text: |\n      带上身份证到综合受理窗口。\n      {LONG}\n"))
    assert lint_tree(tree.root, S) == [long_warning(text, LONG)]


def test_long_sentence_in_a_folded_plain_scalar_and_a_quoted_one(tree: ContentTree):
    first, rest = LONG[:30], LONG[30:]
    old = "    text: 带上身份证到综合受理窗口，说明要查询的企业名称，当场打印档案。\n"
    text = replace_once(SMALL_MATTER, old, f"    text: 带上身份证。{first}\n      {rest}\n")
    text = tree.write(S, replace_once(text, "summary: 查询、复制本区登记的企业登记档案。", f'summary: "查询档案。{LONG}"'))
    folded = LONG[:30] + " " + LONG[30:]  # the line break reads as a space
    assert lint_tree(tree.root, S) == sorted([long_warning(text, LONG), long_warning(text, first, folded, nth=2)])


def test_jargon_is_flagged_at_its_first_use_only(tree: ContentTree):
    text = replace_once(SMALL_MATTER, "summary: 查询、复制本区登记的企业登记档案。", "summary: 查询、复制企业登记档案，可以全程网办。")
    text = tree.write(S, replace_once(text, "当场打印档案。", "当场打印档案；全程网办的不用来窗口。"))
    assert lint_tree(tree.root, S) == [at(text, "全程网办") + "警告: 术语“全程网办”在这个文件里第一次出现时没有解释，群众不一定懂；"
                                    "请在后面加括号说明，例如“全程网办（从申请到拿到结果都在网上办）”"]


@pytest.mark.parametrize("summary", [
    "查询企业登记档案，可以全程网办（从申请到拿到结果都在网上办）。",
    "查询企业登记档案，可以全程网办，即不用到窗口。",
    "材料不全时先受理、后补交（容缺受理），也可以全程网办(在网上办)。",
])
def test_explained_jargon_is_fine(tree: ContentTree, summary: str):
    tree.write(S, replace_once(SMALL_MATTER, "summary: 查询、复制本区登记的企业登记档案。", f"summary: {summary}"))
    assert lint_tree(tree.root, S) == []


def test_step_without_time_or_place(tree: ContentTree):
    text = tree.write(S, replace_once(SMALL_MATTER, "    where:\n      hall: district-hall\n", ""))
    assert lint_tree(tree.root, S) == [at(text, "title: 到窗口提出查询") + "警告: 第 1 步“到窗口提出查询”既没有写在哪里办（where），"
                                    "也没有写大约要多久（duration）；群众不知道这一步该去哪、要等多久"]


def test_placeholders_are_errors_with_exact_positions(tree: ContentTree):
    text = replace_once(SMALL_MATTER, "summary: 查询、复制本区登记的企业登记档案。", f"summary: 查询档案。{PLACEHOLDER}")
    text = tree.write(S, replace_once(text, "    name: 营业执照\n", f"    name: \"{PLACEHOLDER}\"\n"))
    message = "还是脚手架的占位文字（请填写）；请按上方注释的提示改成实际内容"
    assert lint_tree(tree.root, S) == [at(text, PLACEHOLDER) + f"字段“summary”{message}",
                                    at(text, PLACEHOLDER, 2) + f"字段“materials.1.name”{message}"]


def test_lint_cli_fails_on_errors_only_and_filters_by_file(tree: ContentTree, capsys):
    tree.write(S, replace_once(SMALL_MATTER, "summary: 查询、复制本区登记的企业登记档案。", f"summary: 查询档案。{LONG}"))
    code, out, err = run_cli(capsys, "lint", "--root", tree.root, tree.root / S)
    assert code == 0 and out.count("警告: ") == 1 and "0 个错误，1 个警告" in err
    code, out, _ = run_cli(capsys, "lint", "--root", tree.root)
    assert code == 0 and f"{S}:" in out and "matters/qiye-sheli-dengji.yaml:" in out  # the big sample matter has long sentences
    tree.write(S, replace_once(SMALL_MATTER, "summary: 查询、复制本区登记的企业登记档案。", f"summary: {PLACEHOLDER}"))
    code, out, err = run_cli(capsys, "lint", "--root", tree.root, tree.root / S)
    assert code == 1 and out.startswith(f"{S}:") and "1 个错误，0 个警告" in err


def test_lint_reports_validator_errors_and_a_broken_glossary(tree: ContentTree, capsys):
    tree.write(S, replace_once(SMALL_MATTER, "    originals: 1\n", "    originals: one\n"))
    tree.write(GLOSSARY.as_posix(), "terms:\n  - term: 全程网办\n    explaination: x\n")
    code, out, _ = run_cli(capsys, "lint", "--root", tree.root)
    assert code == 1
    assert f"{S}:" in out and "originals" in out
    assert "content-style/glossary.yaml:3:5: 未知字段“explaination”；是不是要写“explanation”？" in out


def test_validate_warnings_keep_the_exit_code(tree: ContentTree, capsys):
    text = tree.write(S, replace_once(SMALL_MATTER, "summary: 查询、复制本区登记的企业登记档案。", f"summary: {PLACEHOLDER}{LONG}"))
    code, out, _ = run_cli(capsys, "validate", "--root", tree.root)
    assert (code, out) == (0, "")
    code, out, _ = run_cli(capsys, "validate", "--root", tree.root, "--warnings")
    assert code == 0
    assert [line for line in out.splitlines() if line.startswith(S)] == sorted([at(text, PLACEHOLDER) + "警告: 字段“summary”还是脚手架的占位文字（请填写）；请按上方注释的提示改成实际内容",
                                       long_warning(text, PLACEHOLDER, PLACEHOLDER + LONG)])


def test_the_sample_has_no_lint_errors():
    """What CI enforces: no unfinished scaffold reaches the main branch."""
    errors = [p for p in lint_tree(REPO) if ": 警告: " not in p]
    assert errors == []
    glossary, problems = load_glossary(REPO)
    assert problems == [] and "容缺受理" in [t.term for t in glossary]


# --------------------------------------------------------------------------------------------------------------
# diff of two real revisions
# --------------------------------------------------------------------------------------------------------------


def git(root: Path, *args: str, date: str = "2026-11-01") -> str:
    stamp = f"{date}T10:00:00+08:00"
    env = {**os.environ, "GIT_AUTHOR_NAME": "编辑", "GIT_AUTHOR_EMAIL": "editor@example.gov.cn", "GIT_COMMITTER_NAME": "编辑",
           "GIT_COMMITTER_EMAIL": "editor@example.gov.cn", "GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp}
    return subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True, text=True, env=env).stdout


def init_repo(root: Path) -> None:
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "样例", date="2026-10-01")


def edit_yaml(path: Path, change) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def change_canjiren(m: dict) -> None:
    m["materials"] = [x for x in m["materials"] if x["id"] != "m4"]  # 近期就诊病历、检查报告
    next(x for x in m["materials"] if x["id"] == "m3")["originals"] = 2
    m["materials"].append({"id": "m7", "name": "居民户口簿", "necessity": "必要", "originals": 1, "copies": 0, "form": ["纸质"], "source": "申请人自备"})
    m["fees"] = {"charged": True, "items": [{"name": "工本费", "standard": "每本 10 元", "basis": "京发改〔2026〕1 号"}]}
    m["time_limits"]["promised"]["value"] = 5
    m["channels"]["window"]["halls"].remove("district-hall")
    del m["channels"]["window"]["windows"]["district-hall"]
    m["steps"].append({"title": "激活电子残疾人证", "text": "在手机上激活。", "where": {"text": "“北京通”移动端"}})
    m["contacts"]["consult"][0]["value"] = "010-0000-4702"
    m.pop("examples", None)  # the worked examples describe the materials as they were


def test_diff_lists_exactly_what_changed_for_citizens(sample: Path, capsys):
    init_repo(sample)
    edit_yaml(sample / "matters/canjiren-zheng.yaml", change_canjiren)
    edit_yaml(sample / "matters/xiao-canyin-beian.yaml", lambda m: m.update(status={
        "state": "取消", "since": dt.date(2026, 11, 1), "reason": "并入食品经营许可告知承诺办理。", "alternatives": ["shipin-jingying-xuke"]}))
    assert run_cli(capsys, "new", "matter", "--root", sample, "--department", "canlian", "--name", "Guide Dog Permit")[0] == 0
    assert validate_tree(sample).ok
    git(sample, "add", "-A")
    git(sample, "commit", "-q", "-m", "修改")

    c = compare_revisions(sample, "HEAD~1", "HEAD")
    assert [m.id for m in c.added] == ["guide-dog-permit"]
    assert [(s.matter.id, s.text) for s in c.cancelled] == [
        ("xiao-canyin-beian", "自 2026-11-01 起取消：并入食品经营许可告知承诺办理；可以改办：食品经营许可（新办）")]
    assert c.merged == c.suspended == c.deleted == [] and c.problems == {}
    assert [mc.matter.id for mc in c.changed] == ["canjiren-zheng"]
    assert [(ch.topic, ch.text, ch.removal) for ch in c.changed[0].changes] == [
        ("材料", "新增“居民户口簿”（必要，原件 1 份、复印件 0 份）", None),
        ("材料", "删除“近期就诊病历、检查报告”", Removal.MATERIALS),
        ("材料", "“近期 2 寸白底免冠彩色照片”：必要，原件 3 份、复印件 0 份（纸质） → 必要，原件 2 份、复印件 0 份（纸质）", None),
        ("步骤", "新增“激活电子残疾人证”", None),
        ("大厅", "不再在“西城区政务服务中心”办理", Removal.HALLS),
        ("时限", "承诺办结时限：10 个工作日 → 5 个工作日", None),
        ("收费", "不收费 → 工本费 每本 10 元", None),
        ("联系方式", "新增咨询方式：电话 010-0000-4702", None),
        ("联系方式", "删除咨询方式：电话 010-0000-4701", None),
    ]

    code, out, err = run_cli(capsys, "diff", "HEAD~1", "HEAD", "--root", sample)
    assert code == 0 and err == ""
    assert out.startswith("### 对办事群众的影响（`HEAD~1` → `HEAD`）\n")
    assert "- **Guide Dog Permit**（`matters/guide-dog-permit.yaml`）" in out
    assert "- ⚠️ 材料：删除“近期就诊病历、检查报告”" in out and "- 收费：不收费 → 工本费 每本 10 元" in out
    code, _, err = run_cli(capsys, "diff", "HEAD~1", "HEAD", "--root", sample, "--fail-on", "materials-removed")
    assert code == 1 and "materials-removed" in err
    assert run_cli(capsys, "diff", "HEAD~1", "HEAD", "--root", sample, "--fail-on", "halls-removed,materials-removed")[0] == 1
    assert run_cli(capsys, "diff", "HEAD", "HEAD", "--root", sample, "--fail-on", "halls-removed")[0] == 0


def test_diff_against_the_working_tree_and_bad_input(sample: Path, capsys):
    init_repo(sample)
    code, out, _ = run_cli(capsys, "diff", "HEAD", "--root", sample)
    assert code == 0 and "没有办事群众能看到的变化" in out and "`HEAD` → `工作区`" in out
    (sample / "matters/canjiren-zheng.yaml").unlink()
    (sample / "matters/xiao-canyin-beian.yaml").write_text("id: [", encoding="utf-8")
    code, out, _ = run_cli(capsys, "diff", "HEAD", "--root", sample)
    assert code == 0
    assert "#### ⚠️ 删除了文件的事项" in out and "**残疾人证申领**" in out
    assert re.search(r"> `工作区` 有 \d+ 个校验问题", out)
    code, out, err = run_cli(capsys, "diff", "no-such-branch", "--root", sample)
    assert code == 2 and out == "" and "找不到版本“no-such-branch”" in err
    with pytest.raises(SystemExit):
        cli(["diff", "HEAD", "--root", str(sample), "--fail-on", "steps-removed"])
    capsys.readouterr()


# --------------------------------------------------------------------------------------------------------------
# report stale, CODEOWNERS, pre-commit
# --------------------------------------------------------------------------------------------------------------


def test_months_before_keeps_the_day_or_the_month_end():
    assert months_before(dt.date(2026, 11, 27), 12) == dt.date(2025, 11, 27)
    assert months_before(dt.date(2026, 3, 31), 1) == dt.date(2026, 2, 28)
    assert months_before(dt.date(2026, 1, 15), 2) == dt.date(2025, 11, 15)


def test_report_stale_groups_old_checks_by_owner(sample: Path, capsys):
    edit_yaml(sample / "matters/canjiren-zheng.yaml", lambda m: m["review"].update(last_verified=dt.date(2025, 10, 1)))
    edit_yaml(sample / "matters/qiye-nianjian.yaml", lambda m: m["review"].update(last_verified=dt.date(2020, 1, 1)))  # cancelled
    code, out, err = run_cli(capsys, "report", "stale", "--root", sample, "--on", "2026-11-27")
    assert (code, err) == (0, "")
    assert out == ("# 久未核对的事项\n\n以下 1 个在办事项的最近核对日期早于 2025-11-27（12 个月前）。请负责部门逐项核对内容，"
                   "把 `review.last_verified` 改为核对当天的日期后提交。\n\n"
                   "## 北京市西城区残疾人联合会（@xicheng/canlian，1 个）\n\n"
                   "- 残疾人证申领：最近核对 2025-10-01（13 个月前），`matters/canjiren-zheng.yaml`\n\n")
    code, out, _ = run_cli(capsys, "report", "stale", "--root", sample, "--on", "2026-11-27", "--months", "24")
    assert code == 0 and "所有在办事项都在 24 个月内（2024-11-27 以后）核对过。" in out
    (sample / "matters/jiehun-dengji.yaml").write_text("id: [", encoding="utf-8")
    code, _, err = run_cli(capsys, "report", "stale", "--root", sample, "--on", "2026-11-27")
    assert code == 0 and "校验问题" in err


def test_codeowners_follow_the_owner_in_each_file(sample: Path):
    text = codeowners(sample)
    assert "* @xicheng/baike-maintainers\n" in text
    assert "/matters/canjiren-zheng.yaml @xicheng/canlian\n" in text
    assert "/sop/qiye-sheli-dengji-handbook.yaml @xicheng/scjg\n" in text and "/departments/rsj.yaml @xicheng/rsj\n" in text
    edit_yaml(sample / "matters/canjiren-zheng.yaml", lambda m: m["review"].update(owner="mzj"))
    assert "/matters/canjiren-zheng.yaml @xicheng/mzj\n" in codeowners(sample)
    assert (REPO / "CODEOWNERS").read_text(encoding="utf-8") == codeowners(REPO)


def test_pre_commit_hooks_run_existing_verbs_on_content_files():
    config = yaml.safe_load((REPO / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    hooks = {h["id"]: h for repo in config["repos"] for h in repo["hooks"]}
    assert set(hooks) == {"baike-validate", "baike-lint"}
    for hook in hooks.values():
        python, flag, module, verb = hook["entry"].split()
        assert (python, flag, module) == (".venv/bin/python", "-m", "build_tools") and verb in VERBS
        assert hook["language"] == "unsupported"
        for path in ("matters/a.yaml", "sop/b.yaml", "guides/c.yaml", "halls/d.yaml", "departments/e.yaml", "registry/codes.yaml", "content-style/glossary.yaml"):
            assert re.search(hook["files"], path), path
        assert not re.search(hook["files"], "build_tools/cli.py")
    assert hooks["baike-validate"]["pass_filenames"] is False  # references cross files: always the whole tree


# --------------------------------------------------------------------------------------------------------------
# git dates and the Atom feed
# --------------------------------------------------------------------------------------------------------------


def test_git_dates_come_from_one_log_and_are_absent_without_git(sample: Path, tmp_path: Path):
    assert git_file_dates(sample) == {}
    init_repo(sample)
    edit_yaml(sample / "matters/canjiren-zheng.yaml", lambda m: m["history"].append({"date": dt.date(2026, 11, 2), "change": "可以邮寄。"}))
    git(sample, "commit", "-q", "-am", "改", date="2026-11-20")
    dates = git_file_dates(sample)
    assert dates["matters/canjiren-zheng.yaml"] == FileDates(dt.date(2026, 10, 1), dt.date(2026, 11, 20))
    assert dates["halls/district-hall.yaml"] == FileDates(dt.date(2026, 10, 1), dt.date(2026, 10, 1))
    assert not any(p.startswith(("theme/", "build_tools/")) for p in dates)
    shallow = tmp_path / "shallow"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{sample}", str(shallow)], check=True, capture_output=True)
    assert git_file_dates(shallow)["matters/canjiren-zheng.yaml"] == FileDates(None, dt.date(2026, 11, 20))


def test_matter_page_shows_git_dates_and_the_feed_lists_recent_changes(sample: Path):
    init_repo(sample)
    edit_yaml(sample / "matters/canjiren-zheng.yaml", lambda m: m["history"].append({"date": dt.date(2026, 11, 2), "change": "残疾人证可以免费邮寄。"}))
    edit_yaml(sample / "matters/jiehun-dengji.yaml", lambda m: m.update(summary="办理内地居民结婚登记。"))
    git(sample, "commit", "-q", "-am", "改", date="2026-11-20")
    parsed = validate_tree(sample).parsed
    catalogue = view(build_catalogue(parsed, git_file_dates(sample)), Audience.PUBLIC)
    files = render_site(catalogue, load_settings(sample), Audience.PUBLIC)
    page = files.body("matters/canjiren-zheng/index.html")
    assert ('本页首次发布：<time datetime="2026-10-01">2026-10-01</time>，最近修改：<time datetime="2026-11-20">2026-11-20</time>。'
            '<a href="../../feed.xml" type="application/atom+xml">订阅全站更新</a>') in page
    assert 'href="feed.xml" type="application/atom+xml"' in files.sources["index.md"].decode("utf-8")

    ns = {"a": "http://www.w3.org/2005/Atom"}
    feed = ET.fromstring(files.sources["feed.xml"])
    newest = max([dt.date(2026, 11, 20), *(h.date for m in catalogue.matters.values() for h in m.history)])
    assert feed.tag == "{http://www.w3.org/2005/Atom}feed" and feed.findtext("a:updated", namespaces=ns) == f"{newest}T00:00:00+08:00"
    entries = feed.findall("a:entry", ns)
    assert 0 < len(entries) <= 50
    titles = [e.findtext("a:title", namespaces=ns) for e in entries]
    ids = [e.findtext("a:id", namespaces=ns) for e in entries]
    assert len(set(ids)) == len(ids) and all(i.startswith("tag:xc.example.gov.cn,") for i in ids)
    # an edit no history line describes is still announced, dated by git; one a history line describes is not doubled
    assert "内地居民结婚登记：页面内容有更新。" in titles
    assert "残疾人证申领：残疾人证可以免费邮寄。" in titles and not any(t.startswith("残疾人证申领：页面") for t in titles)
    first = entries[0]
    assert first.findtext("a:updated", namespaces=ns) == f"{newest}T00:00:00+08:00"
    assert first.find("a:link", ns).get("href").startswith("http://127.0.0.1:8000/matters/")
    updated = [e.findtext("a:updated", namespaces=ns) for e in entries]
    assert updated == sorted(updated, reverse=True)


def test_feed_without_git_uses_history_only(sample: Path):
    parsed = validate_tree(sample).parsed
    files = render_site(build_catalogue(parsed, git_file_dates(sample)), load_settings(sample), Audience.PUBLIC)
    feed = ET.fromstring(files.sources["feed.xml"])
    summaries = [e.findtext("{http://www.w3.org/2005/Atom}summary") for e in feed.iter("{http://www.w3.org/2005/Atom}entry")]
    assert summaries and "页面内容有更新。" not in summaries
    assert "本页首次发布" not in files.body("matters/canjiren-zheng/index.html")
