"""Import (入口): spreadsheets -> matter YAML through the same validator, with every problem at its cell; and
the round trip YAML -> spreadsheet -> YAML -> spreadsheet that must lose nothing."""

from __future__ import annotations

import argparse
import datetime as dt
import io
import re
import shutil
import zipfile
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from build_tools.commands import import_data
from build_tools.editors.importer import _answers
from build_tools.export.tables import answers_cell
from build_tools.export.template import EXAMPLE_ID, README, WORKBOOK, template_files
from build_tools.load import load_file
from build_tools.load.registry import REGISTRY, dump, load_registry
from build_tools.model import Audience, load_catalogue
from build_tools.schema import Matter
from build_tools.validate import validate_tree

from .support import REPO
from .test_export import exports, make_project


def run_import(*argv: str | Path) -> int:
    """The `import` verb exactly as the CLI runs it (its own argument parser and run function)."""
    parser = argparse.ArgumentParser()
    import_data.add_arguments(parser)
    return import_data.run(parser.parse_args([str(a) for a in argv]))


def write_csvs(files: dict[str, bytes], dest: Path) -> Path:
    """The CSV files of an export in one folder, as a department would save them; the matter sheet's file."""
    for name, data in files.items():
        if name.endswith(".csv"):
            (dest / Path(name).name).write_bytes(data)
    return dest / "catalogue.csv"


def empty_tree(dest: Path, source: Path) -> Path:
    """Halls, departments and settings of `source`, no matters; the registry keeps the codes of halls and
    matters, so matters imported later get the same short codes as in `source`."""
    dest.mkdir(parents=True)
    for folder in ("halls", "departments"):
        shutil.copytree(source / folder, dest / folder)
    shutil.copy2(source / "site.yaml", dest / "site.yaml")
    entries, _, _ = load_registry(source)
    (dest / REGISTRY).parent.mkdir()
    (dest / REGISTRY).write_text(dump({c: e for c, e in entries.items() if e.kind in ("hall", "matter")}), encoding="utf-8")
    return dest


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> Path:
    return make_project(tmp_path_factory.mktemp("import") / "sample")


@pytest.fixture(scope="module")
def staff_files(sample) -> dict[str, bytes]:
    return exports(sample, Audience.STAFF)


@pytest.fixture
def template_copy(tmp_path) -> openpyxl.Workbook:
    """The shipped template with its example rows renamed, so they are imported like a department's rows."""
    wb = openpyxl.load_workbook(REPO / WORKBOOK)
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.value == EXAMPLE_ID:
                    cell.value = "geti-zhizhao-buling"
    return wb


def save(wb: openpyxl.Workbook, path: Path) -> Path:
    wb.save(path)
    return path


def test_committed_template_matches_the_code():
    for rel, data in template_files().items():
        assert (REPO / rel).read_bytes() == data, f"run `python -m build_tools import --template`: {rel}"
    assert "| 材料名称 | `materials[].name` |" in (REPO / README).read_text(encoding="utf-8")


def test_template_has_chinese_headers_an_example_row_and_a_column_guide():
    wb = openpyxl.load_workbook(REPO / WORKBOOK, read_only=True)
    assert wb.sheetnames[:3] == ["填写说明", "事项", "设定依据"]
    rows = list(wb["事项"].iter_rows(values_only=True))
    assert rows[0][:3] == ("事项 id", "事项名称", "俗称") and rows[1][0] == EXAMPLE_ID and len(rows) == 2
    guide = {(r[0], r[2]): r for r in wb["填写说明"].iter_rows(values_only=True) if r and r[0] == "申请材料"}
    assert guide[("申请材料", "必要性")][:7] == ("申请材料", "materials", "必要性", "materials[].necessity", "选一项", "是", "必要、容缺、按情形")
    assert guide[("申请材料", "事项 id")][5] == "是"


def test_example_rows_are_skipped_and_a_filled_template_imports_and_validates(sample, tmp_path, template_copy, capsys):
    root = empty_tree(tmp_path / "t", sample)
    assert run_import(REPO / WORKBOOK, "--root", root) == 1
    assert "跳过了模板里的示例行" in capsys.readouterr().err and not (root / "matters").exists()
    assert run_import(save(template_copy, tmp_path / "filled.xlsx"), "--root", root) == 0
    written = root / "matters" / "geti-zhizhao-buling.yaml"
    text = written.read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=../schemas/matter.schema.json\n")
    assert "audience: [自然人]\n" in text and "\n  - id: m1\n" in text and 'value: "12345"' in text
    doc, problems = load_file(root, written)
    assert problems == [] and doc.data["steps"][0]["substeps"][0]["title"] == "填写补领申请表"
    problems = [str(p) for p in validate_tree(root).problems if not p.path.startswith("registry/")]
    assert problems == []


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_round_trip_export_import_export_loses_nothing(sample, staff_files, tmp_path, kind):
    if kind == "xlsx":
        source = tmp_path / "catalogue.xlsx"
        source.write_bytes(staff_files["api/catalogue.xlsx"])
    else:
        source = write_csvs(staff_files, tmp_path)
    root = empty_tree(tmp_path / "t", sample)
    assert run_import(source, "--root", root) == 0
    assert load_catalogue(root).matters == load_catalogue(sample).matters
    again = exports(root, Audience.STAFF)
    assert again.keys() == staff_files.keys()
    assert [name for name in again if again[name] != staff_files[name]] == []


def test_existing_files_are_replaced_only_with_update_and_keep_their_internal_fields(tmp_path, capsys):
    """The public catalogue.xlsx has its internal columns blank: re-importing it must not erase them."""
    root = make_project(tmp_path / "p")
    target = root / "matters" / "qiye-sheli-dengji.yaml"
    before = target.read_bytes()
    wb = openpyxl.load_workbook(io.BytesIO(exports(root)["api/catalogue.xlsx"]))
    row = next(r for r in wb["事项"].iter_rows(min_row=2) if r[0].value == "qiye-sheli-dengji")
    row[1].value += "（新名称）"
    source = save(wb, tmp_path / "catalogue.xlsx")
    assert run_import(source, "--root", root) == 1
    out = capsys.readouterr().out
    assert f"{source}[事项]:{row[0].row}:1: matters/qiye-sheli-dengji.yaml 已经存在；确认要用表格内容替换它时，加上 --update 再导入" in out
    assert target.read_bytes() == before
    assert run_import(source, "--root", root, "--dry-run", "--update") == 0 and target.read_bytes() == before
    assert run_import(source, "--root", root, "--update") == 0
    text = target.read_text(encoding="utf-8")
    assert "（新名称）" in text and "staff_notes: 外资企业设立请引导至市级窗口" in text and "verified_by: 登记科 示例核对人" in text
    assert validate_tree(root).ok


def test_broken_rows_are_reported_at_their_cells_and_nothing_is_written(sample, tmp_path, template_copy, capsys):
    wb = template_copy
    matters = wb["事项"]
    header = [c.value for c in matters[1]]
    matters.cell(2, header.index("基本编码") + 1, 201099001)  # a number: the leading zeros are gone
    matters.cell(2, header.index("是否收费") + 1, "也许")
    matters.cell(2, header.index("实施主体") + 1, "no-such-dept")
    matters.append(["Bad Id", "名称"])
    matters.cell(1, len(header) + 1, "备注栏")
    wb["申请材料"].append(["geti-zhizhao-buling", "m2", "其他相关材料", "必要", None, 0, 0, "纸质", "申请人自备"])
    wb["申请材料"].append(["nope", "m9", "x"])
    wb["子步骤"].append(["geti-zhizhao-buling", 7, "多出来的子步骤"])
    wb["办理步骤"].append(["geti-zhizhao-buling", "第三步", "标题", "说明"])
    wb.create_sheet("草稿")
    source = save(wb, tmp_path / "broken.xlsx")
    root = empty_tree(tmp_path / "t", sample)
    assert run_import(source, "--root", root) == 1
    out, err = capsys.readouterr()
    col = {h: i + 1 for i, h in enumerate(header)}
    expected = [
        f"{source}:1:1: 未知的工作表“草稿”",
        f"{source}[事项]:1:{len(header) + 1}: 未知的列名“备注栏”",
        f"{source}[事项]:2:{col['基本编码']}: 列“基本编码”：单元格是数字格式，开头的 0 可能已经丢失",
        f"{source}[事项]:2:{col['是否收费']}: 列“是否收费”：应填“是”或“否”，现在是“也许”",
        f"{source}[事项]:3:1: 列“事项 id”：“Bad Id”不能用作事项 id",
        f"{source}[申请材料]:4:1: 事项 id“nope”不在“事项”工作表里",
        f"{source}[子步骤]:3:2: 列“步骤序号”：这个事项没有序号为 7 的步骤；可用的步骤序号：1、2",
        f"{source}[办理步骤]:4:2: 列“步骤序号”：应该是整数，现在是“第三步”",
    ]
    lines = out.splitlines()
    for prefix in expected:
        assert any(line.startswith(prefix) for line in lines), (prefix, out)
    assert len(lines) == len(expected), out
    assert "没有写入任何文件" in err and "Traceback" not in err
    assert not (root / "matters").exists()


def test_validator_and_cross_file_rules_report_at_the_right_cells(sample, tmp_path, template_copy, capsys):
    wb = template_copy
    header = [c.value for c in wb["事项"][1]]
    wb["事项"].cell(2, header.index("实施主体") + 1, "no-such-dept")
    wb["事项"].cell(2, header.index("承诺时限") + 1, 30)
    wb["申请材料"].append(["geti-zhizhao-buling", "m2", "其他相关材料", "必要", None, 0, 0, "纸质", "申请人自备"])
    wb["咨询方式"].append(["geti-zhizhao-buling", "窗口", "综合窗口", None, "nowhere-hall"])
    source = save(wb, tmp_path / "rules.xlsx")
    root = empty_tree(tmp_path / "t", sample)
    assert run_import(source, "--root", root) == 1
    lines = capsys.readouterr().out.splitlines()
    col = {h: i + 1 for i, h in enumerate(header)}
    expected = [
        f"{source}[事项]:2:{col['实施主体']}: 列“实施主体”：找不到部门“no-such-dept”",
        f"{source}[事项]:2:{col['承诺时限']}: 列“承诺时限”：承诺时限（30 个工作日）不能超过法定时限（15 个工作日）",
        f"{source}[事项]:2:{col['办件类型']}: 列“办件类型”：即办件的承诺时限应为 0",
        f"{source}[申请材料]:3:1: 原件和复印件份数都是 0",
        f"{source}[申请材料]:3:3: 列“材料名称”：“其他相关材料”是兜底式写法",
        f"{source}[咨询方式]:3:5: 列“所在大厅”：找不到大厅“nowhere-hall”",
    ]
    for prefix in expected:
        assert any(line.startswith(prefix) for line in lines), (prefix, lines)
    assert len(lines) == len(expected), lines


def test_an_update_that_breaks_another_file_is_refused(sample, staff_files, tmp_path, capsys):
    """Removing a material that a handbook SOP checks would break the SOP: reported there, nothing written."""
    root = make_project(tmp_path / "p")
    catalogue = load_catalogue(root)
    sop, ref = next((s, c.ref) for s in catalogue.sops.values() for step in s.steps for c in step.checks
                    if s.matter and c.ref in {x.id for x in catalogue.matters[s.matter].materials})
    wb = openpyxl.load_workbook(io.BytesIO(staff_files["api/catalogue.xlsx"]))
    materials = wb["申请材料"]
    row = next(r[0].row for r in materials.iter_rows(min_row=2) if r[0].value == sop.matter and r[1].value == ref)
    materials.delete_rows(row)
    source = save(wb, tmp_path / "catalogue.xlsx")
    assert run_import(source, "--root", root, "--update") == 1
    out = capsys.readouterr().out
    assert f"导入 {source} 后这里会出错：事项“{sop.matter}”里没有编号为“{ref}”的材料或条件" in out
    assert catalogue.sources[("sop", sop.id)] in out


@pytest.mark.parametrize("name, content, message", [
    ("garbage.xlsx", b"not a zip file", "无法作为 Excel 工作簿打开"),
    ("notes.txt", b"hello", "只能导入 .xlsx 或 .csv 文件"),
    ("gbk.csv", "事项 id,事项名称\nx,出生登记\n".encode("gbk"), "不是 UTF-8 编码"),
    ("missing.xlsx", None, "找不到这个文件"),
])
def test_unreadable_files_give_one_clear_line_and_no_traceback(tmp_path, capsys, name, content, message):
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    assert run_import(path, "--root", tmp_path) == 1
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 1 and out[0].startswith(f"{path}:1:1: ") and message in out[0]


def test_csv_problems_name_the_csv_file_of_the_sheet(sample, staff_files, tmp_path, capsys):
    write_csvs(staff_files, tmp_path)
    materials = tmp_path / "catalogue.materials.csv"
    lines = materials.read_text(encoding="utf-8-sig").splitlines()
    fields = lines[1].split(",")
    fields[5] = "两份"  # 原件份数
    materials.write_text("\n".join([lines[0], ",".join(fields), *lines[2:]]) + "\n", encoding="utf-8")
    root = empty_tree(tmp_path / "t", sample)
    assert run_import(tmp_path / "catalogue.csv", "--root", root) == 1
    out = capsys.readouterr().out
    assert f"{materials}:2:6: 列“原件份数”：字段“materials.0.originals”：应该是 0–20 的整数；来源没有写明时写“未说明”，现在是“两份”" in out


def _row(ws, **cells) -> list:
    """A row for sheet `ws` given by header: the matter id first, the rest by column name."""
    header = [c.value for c in ws[1]]
    row = [None] * len(header)
    for name, value in cells.items():
        row[header.index(name)] = value
    return row


def test_questions_situations_and_answers_cells_import(sample, tmp_path, template_copy, capsys):
    """A department writes a question with its options, a situation and a `when` the way people type on a
    Chinese keyboard (full-width colon and comma); a count the source does not give is 未说明."""
    wb = template_copy
    mid = "geti-zhizhao-buling"
    wb["问题"].append(_row(wb["问题"], **{"事项 id": mid, "问题编号": "daiban", "问题": "谁来办？"}))
    for option, label in (("benren", "经营者本人"), ("weituo", "委托他人")):
        wb["问题选项"].append(_row(wb["问题选项"], **{"事项 id": mid, "问题编号": "daiban", "选项编号": option, "选项文字": label}))
    wb["办理情形"].append(_row(wb["办理情形"], **{"事项 id": mid, "情形 id": "weituo", "情形名称": "委托他人补领", "回答": "daiban：weituo"}))
    wb["申请材料"].append(_row(wb["申请材料"], **{"事项 id": mid, "材料编号": "m2", "材料名称": "委托书", "必要性": "按情形",
                                           "原件份数": 1, "复印件份数": "未说明", "材料形式": "纸质", "来源渠道": "申请人自备",
                                           "适用回答": "｛daiban：［weituo］｝"}))
    root = empty_tree(tmp_path / "t", sample)
    assert run_import(save(wb, tmp_path / "ok.xlsx"), "--root", root) == 0, capsys.readouterr().out
    doc, problems = load_file(root, root / "matters" / f"{mid}.yaml")
    assert problems == [] and [str(p) for p in validate_tree(root).problems if not p.path.startswith("registry/")] == []
    matter = Matter.model_validate(doc.data)
    assert [q.id for q in matter.questions] == ["daiban"] and [o.id for o in matter.questions[0].options] == ["benren", "weituo"]
    assert matter.situations[0].answers == {"daiban": "weituo"}
    proxy = next(m for m in matter.materials if m.id == "m2")
    assert proxy.when == {"daiban": ["weituo"]} and proxy.copies == "未说明"

    wb["问题选项"].append(_row(wb["问题选项"], **{"事项 id": mid, "问题编号": "shei", "选项编号": "x", "选项文字": "x"}))
    wb["办理情形"].append(_row(wb["办理情形"], **{"事项 id": mid, "情形 id": "bad", "情形名称": "写错的回答", "回答": "委托他人"}))
    source = save(wb, tmp_path / "bad.xlsx")
    assert run_import(source, "--root", tmp_path / "t", "--update") == 1
    out = capsys.readouterr().out
    assert f"{source}[问题选项]:4:2: 列“问题编号”：这个事项没有编号为“shei”的问题；可用的问题编号：daiban" in out
    assert f"{source}[办理情形]:3:4: 列“回答”：应写成“问题编号: 选项编号”" in out


_IDS = st.from_regex(r"[a-z][a-z0-9-]{0,8}", fullmatch=True)


@given(st.dictionaries(_IDS, _IDS | st.lists(_IDS, min_size=1, max_size=4), min_size=1, max_size=4))
def test_an_answers_cell_reads_back_as_the_answers_it_was_written_from(answers):
    assert _answers(answers_cell(answers)) == (answers, None)


# --- hostile files (issue #20): sizes, rows and cells are limited before and while reading -------------------


def _rezipped(xlsx: bytes, replace: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(xlsx)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as target:
        for info in source.infolist():
            target.writestr(info.filename, replace.get(info.filename, source.read(info.filename)))
    return out.getvalue()


def _one_problem(capsys, path: Path, root: Path) -> str:
    assert run_import(path, "--root", root) == 1
    out, err = capsys.readouterr()
    lines = out.splitlines()
    assert len(lines) == 1 and "Traceback" not in out + err, out + err
    return lines[0]


def test_an_xlsx_that_unpacks_too_large_is_refused_before_reading(staff_files, tmp_path, capsys):
    """A 1 GiB cell or ten million rows compress to a megabyte: the parts' stated sizes are checked first."""
    from build_tools.export.workbook import MAX_PART_BYTES

    huge = b'<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>' + b"A" * (MAX_PART_BYTES + 1) + b"</t></si></sst>"
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(_rezipped(staff_files["api/catalogue.xlsx"], {"xl/sharedStrings.xml": huge}))
    assert path.stat().st_size < 1024 * 1024
    assert _one_problem(capsys, path, tmp_path).startswith(f"{path}:1:1: 工作簿解压后太大")


def test_too_many_rows_are_refused_at_the_first_row_past_the_limit(tmp_path, capsys, monkeypatch):
    from build_tools.export import workbook
    from build_tools.export.spreadsheetml import Worksheet, workbook_bytes

    monkeypatch.setattr(workbook, "MAX_ROWS", 500)
    data = workbook_bytes([Worksheet("事项", ["事项 id"], [[f"m{i}"] for i in range(600)])], dt.datetime(2026, 1, 1), "test")
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        xml = z.read("xl/worksheets/sheet1.xml")
    path = tmp_path / "rows.xlsx"  # without its <dimension>, as in the report: the reader cannot know the size
    path.write_bytes(_rezipped(data, {"xl/worksheets/sheet1.xml": re.sub(rb"<dimension [^>]*/>", b"", xml)}))
    assert _one_problem(capsys, path, tmp_path) == f"{path}[事项]:501:1: 行数太多（超过 500 行）；请删掉空行和多余的行，或分成几个文件导入"


def test_a_stated_size_of_the_whole_grid_does_not_pad_the_rows(staff_files, tmp_path):
    from build_tools.export.tables import MATTERS
    from build_tools.export.workbook import read_tables

    with zipfile.ZipFile(io.BytesIO(staff_files["api/catalogue.xlsx"])) as z:
        name = next(n for n in z.namelist() if n.startswith("xl/worksheets/"))
        xml = z.read(name)
    path = tmp_path / "grid.xlsx"
    path.write_bytes(_rezipped(staff_files["api/catalogue.xlsx"], {name: re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1:XFD1048576"/>', xml)}))
    tables, _ = read_tables(path)
    assert max(len(values) for _, values in tables[MATTERS].rows) < 200


@pytest.mark.parametrize("length", [40_000, 200_000])
def test_a_cell_too_long_is_refused_at_its_cell(staff_files, tmp_path, capsys, length):
    write_csvs(staff_files, tmp_path)
    matters = tmp_path / "catalogue.csv"
    rows = matters.read_text(encoding="utf-8-sig").splitlines()
    fields = rows[1].split(",")
    fields[1] = "长" * length
    matters.write_text("\n".join([rows[0], ",".join(fields), *rows[2:]]) + "\n", encoding="utf-8")
    problem = _one_problem(capsys, matters, tmp_path)
    assert problem.startswith(f"{matters}:2:") and "单元格太长" in problem and "32767" in problem


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_a_utf16_csv_is_named_as_utf16(tmp_path, capsys, encoding):
    path = tmp_path / "m.csv"
    path.write_bytes("事项 id,事项名称\nchusheng-dengji,出生登记\n".encode(encoding))
    problem = _one_problem(capsys, path, tmp_path)
    assert problem.startswith(f"{path}:1:1: 不是 UTF-8 编码（看起来是 UTF-16）") and "GBK" not in problem
