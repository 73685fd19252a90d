"""入口: a department's spreadsheet (the tables of `export/tables.py`, which the exports write too) -> matter YAML files.

Each matter is turned into the YAML that would be written, read back with the project's loader and checked
by the same validator as every file in git (schema, then the cross-file rules against the existing tree), so
a spreadsheet can never bring in what a pull request could not. Every problem is reported at the cell it came
from (`file[sheet]:row:col: message`). Nothing is written unless every row passes, and an existing file is
replaced only when the caller allows it.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..export.tables import EMPTY_LIST, LIST_SEPARATOR, MATTER_ID, MATTERS, NO, SHEETS, YES, Column, Kind, Role, Sheet, get_path
from ..export.template import EXAMPLE_ID
from ..export.workbook import Table, read_tables
from ..load.yamlout import matter_yaml
from ..load.yamlpos import Document, Loc, load_text
from ..problems import Problem, Severity
from ..schema import Matter
from ..schema.common import UNSTATED, id_problem
from ..schema.reference import field_rows
from ..validate import validate_tree
from ..validate.fields import character_problems, check_document
from ..validate.parsed import Parsed
from ..validate.rules import RULES

_INTEGER = re.compile(r"^[+-]?[0-9]+$")
_DATE = re.compile(r"^([0-9]{4})[-/.]([0-9]{1,2})[-/.]([0-9]{1,2})$")
#: Internal fields are blank in a public export: replacing a file keeps its values rather than erase them.
_INTERNAL = tuple(r.path for r in field_rows(Matter) if r.internal and "[]" not in r.path)
#: Text a spreadsheet would run as a formula: `=…`, `@…`, and `+`/`-` before a name or a bracket (`+SUM(1,1)`,
#: `-cmd|…`); not a phone number (+86…), a Markdown list (- 第一项) or a negative number.
_FORMULA = re.compile(r"[=@]|[+-]\s*[A-Za-z_(]")
_TRUE = {YES, "true", "TRUE", "True"}
_FALSE = {NO, "false", "FALSE", "False"}


@dataclass(frozen=True)
class Origin:
    """A cell of the spreadsheet, or a whole row when `header` is None."""

    source: str
    row: int
    col: int
    header: str | None = None

    def problem(self, message: str, severity: Severity = Severity.ERROR) -> Problem:
        return Problem(self.source, self.row, self.col, f"列“{self.header}”：{message}" if self.header else message, severity)


@dataclass
class Draft:
    """One would-be matter file, and the cell each of its values came from."""

    id: str
    row: Origin
    data: dict = field(default_factory=dict)
    origins: dict[Loc, Origin] = field(default_factory=dict)

    def origin(self, loc: Loc) -> Origin:
        for end in range(len(loc), -1, -1):
            if loc[:end] in self.origins:
                return self.origins[loc[:end]]
        return self.row


@dataclass(frozen=True)
class Planned:
    path: str  # relative to the content root
    text: str
    replaces: bool


@dataclass
class ImportPlan:
    files: list[Planned]
    problems: list[Problem]
    skipped_examples: int


def plan_import(path: Path, root: Path, *, update: bool) -> ImportPlan:
    """Read, convert and check everything; write nothing. Raises `UnreadableFile` for a file that is not a
    spreadsheet at all."""
    tables, unknown = read_tables(path)
    reader = _Reader()
    reader.problems += [Problem(str(path), 1, 1, f"未知的工作表“{name}”；可以用的工作表：{'、'.join(s.name for s in SHEETS)}") for name in unknown]
    if MATTERS not in tables:
        reader.problems.append(Problem(str(path), 1, 1, f"找不到“{MATTERS.name}”工作表；请从 templates/import/matters-template.xlsx 开始填写"))
        return ImportPlan([], reader.problems, 0)
    for sheet in SHEETS:
        if sheet in tables:
            reader.read(sheet, tables[sheet])
    files, problems = _check(list(reader.drafts.values()), root, update, str(path))
    reported = {(c.source, c.row, c.col) for c in reader.bad_cells}
    problems = [p for p in problems if (p.path, p.line, p.col) not in reported]
    return ImportPlan(files, sorted(set(reader.problems + problems)), reader.skipped)


def write_plan(root: Path, plan: ImportPlan) -> None:
    for planned in plan.files:
        target = root / planned.path
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(target.name + ".tmp")
        tmp.write_text(planned.text, encoding="utf-8")
        tmp.replace(target)


# --- spreadsheet rows -> drafts -------------------------------------------------------------------------


@dataclass
class _Row:
    """One row of a list sheet, converted: the item it describes and where it goes."""

    origin: Origin
    item: dict = field(default_factory=dict)
    cells: dict[Loc, Origin] = field(default_factory=dict)  # field location in the item -> its cell
    place: Any = None  # step number (steps, sub-steps) or hall id (window numbers); None when missing
    place_cell: Origin | None = None
    value: Any = None  # window numbers
    value_cell: Origin | None = None


class _Reader:
    """Collects drafts from the sheets in order (matters first, steps before their sub-steps), and every
    problem on the way."""

    def __init__(self) -> None:
        self.drafts: dict[str, Draft] = {}
        self.problems: list[Problem] = []
        self.rejected: set[str] = set()  # ids whose matter row was refused: their list rows are not reported again
        self.skipped = 0
        self.bad_cells: set[Origin] = set()
        self.numbers: dict[tuple[str, str], dict[int, int]] = {}  # (matter id, list) -> 步骤序号 -> index

    def read(self, sheet: Sheet, table: Table) -> None:
        layout = self._layout(sheet, table)
        if layout is None:
            return
        grouped: dict[str, list[_Row]] = defaultdict(list)
        for number, values in table.rows:
            if all(v is None or str(v).strip() == "" for v in values):
                continue
            id_cell = _cell(values, layout[None])
            mid = str(id_cell).strip() if id_cell is not None else ""
            origin = Origin(table.source, number, layout[None] + 1)
            if mid == EXAMPLE_ID:
                self.skipped += 1 if sheet is MATTERS else 0
                continue
            if not mid:
                self.problems.append(origin.problem(f"没有填写“{MATTER_ID}”"))
            elif sheet is MATTERS:
                self._matter(mid, origin, values, layout, sheet, table.source)
            elif mid not in self.drafts:
                if mid not in self.rejected:
                    self.problems.append(origin.problem(f"事项 id“{mid}”不在“{MATTERS.name}”工作表里；每个事项要先在“{MATTERS.name}”表里占一行"))
            else:
                grouped[mid].append(self._row(origin, values, layout, sheet, table.source))
        for mid, rows in grouped.items():
            self._attach(sheet, self.drafts[mid], rows)

    def _layout(self, sheet: Sheet, table: Table) -> dict[Column | None, int] | None:
        """Column index of each known header (None: the matter id); unknown or repeated headers are problems."""
        if sheet is MATTERS:
            expected: dict[str, Column | None] = {c.header: (None if c.field == "id" else c) for c in sheet.columns}
        else:
            expected = {MATTER_ID: None, **{c.header: c for c in sheet.columns}}
        layout: dict[Column | None, int] = {}
        for i, header in enumerate(table.headers):
            origin = Origin(table.source, 1, i + 1)
            if not header:
                if any(_cell(values, i) not in (None, "") for _, values in table.rows):
                    self.problems.append(origin.problem("这一列有内容但没有列名；请填上列名，或删掉这一列"))
            elif header not in expected:
                close = difflib.get_close_matches(header, list(expected), n=1, cutoff=0.5)
                hint = f"是不是要写“{close[0]}”？" if close else f"这张表可以用的列：{'、'.join(expected)}"
                self.problems.append(origin.problem(f"未知的列名“{header}”；{hint}"))
            elif expected[header] in layout:
                self.problems.append(origin.problem(f"列名“{header}”重复了"))
            else:
                layout[expected[header]] = i
        placing = [c.header for c in sheet.columns if c.role in (Role.ORDINAL, Role.PARENT, Role.KEY)]
        missing = [h for h in [MATTER_ID, *placing] if expected[h] not in layout]
        if missing:
            self.problems.append(Origin(table.source, 1, 1).problem(f"缺少“{'”“'.join(missing)}”列，这张表的行无法放到事项里"))
            return None
        return layout

    def _matter(self, mid: str, origin: Origin, values: list, layout: dict, sheet: Sheet, source: str) -> None:
        if problem := id_problem(mid):
            self.problems.append(Origin(source, origin.row, origin.col, MATTER_ID).problem(f"“{mid[:40]}”不能用作事项 id：{problem}"))
            self.rejected.add(mid)
            return
        if mid in self.drafts:
            self.problems.append(origin.problem(f"事项 id“{mid}”重复了（第 {self.drafts[mid].row.row} 行已经有）"))
            return
        draft = Draft(mid, origin, {"id": mid}, {(): origin, ("id",): Origin(source, origin.row, origin.col, MATTER_ID)})
        for column, index in layout.items():
            if column is None:
                continue
            cell = Origin(source, origin.row, index + 1, column.header)
            value = self._value(_cell(values, index), sheet.kind(column), column, cell)
            if value is not None:
                _set(draft.data, column.field, value)
            _locate(draft.origins, tuple(column.field.split(".")), cell)
        self.drafts[mid] = draft

    def _row(self, origin: Origin, values: list, layout: dict, sheet: Sheet, source: str) -> _Row:
        row = _Row(origin)
        for column, index in layout.items():
            if column is None:
                continue
            cell = Origin(source, origin.row, index + 1, column.header)
            value = self._value(_cell(values, index), sheet.kind(column), column, cell)
            if column.role is Role.FIELD:
                if value is not None:
                    _set(row.item, column.field, value)
                _locate(row.cells, tuple(column.field.split(".")), cell)
            elif column.role is Role.VALUE:
                row.value, row.value_cell = value, cell
            else:
                row.place_cell = cell
                if value is None:
                    self.problems.append(cell.problem("必须填写"))
                elif column.role in (Role.ORDINAL, Role.PARENT) and not isinstance(value, int):
                    self.problems.append(cell.problem(f"应该是整数，现在是“{value}”"))
                else:
                    row.place = value
        return row

    def _attach(self, sheet: Sheet, draft: Draft, rows: list[_Row]) -> None:
        """Put a sheet's rows for one matter into its data, remembering each value's cell."""
        roles = {c.role for c in sheet.columns}
        if Role.KEY in roles:
            windows: dict[str, list] = {}
            for row in rows:
                if row.place is None:
                    continue
                assert row.place_cell is not None  # a row with a place has its cell
                if row.place in windows:
                    self.problems.append(row.place_cell.problem(f"大厅“{row.place}”的窗口号已经在前面写过了；同一大厅的窗口号写在一行里"))
                    continue
                windows[row.place] = row.value or []
                loc = (*sheet.where.split("."), row.place)
                draft.origins[loc] = row.place_cell
                if row.value_cell:
                    draft.origins.update({(*loc, i): row.value_cell for i in range(len(windows[row.place]))})
            if windows:
                _set(draft.data, sheet.where, windows)
            return
        if Role.ORDINAL in roles:
            rows = self._numbered(sheet, draft, rows)
        if sheet.outer:
            self._nested(sheet, draft, rows)
            return
        where = tuple(sheet.where.split("."))
        _set(draft.data, sheet.where, [row.item for row in rows])
        for i, row in enumerate(rows):
            self._remember(draft, (*where, i), row)

    def _numbered(self, sheet: Sheet, draft: Draft, rows: list[_Row]) -> list[_Row]:
        """Steps in the order of their numbers; the numbers name them for the sub-step sheet."""
        numbered: list[_Row] = []
        seen: dict[Any, int] = {}
        for row in rows:
            if row.place is None:
                continue
            assert row.place_cell is not None  # a row with a place has its cell
            if row.place in seen:
                self.problems.append(row.place_cell.problem(f"步骤序号 {row.place} 重复了（第 {seen[row.place]} 行已经用过）"))
                continue
            seen[row.place] = row.origin.row
            numbered.append(row)
        numbered.sort(key=lambda r: r.place)
        self.numbers[(draft.id, sheet.where)] = {row.place: i for i, row in enumerate(numbered)}
        return numbered

    def _nested(self, sheet: Sheet, draft: Draft, rows: list[_Row]) -> None:
        """Rows that belong to an item of another sheet (sub-steps to a step, options to a question), named by
        its number or its id."""
        outer, inner = sheet.where.split("[].")
        parents = get_path(draft.data, outer) or []
        by_id = Role.PARENT_ID in {c.role for c in sheet.columns}
        if by_id:
            places: dict = {str(p.get("id")): i for i, p in enumerate(parents) if isinstance(p, dict) and p.get("id")}
            noun, shown = f"编号为“{{}}”的{_OUTER_NOUN[outer]}", "、".join(places)
        else:
            places = self.numbers.get((draft.id, outer), {})
            noun, shown = f"序号为 {{}} 的{_OUTER_NOUN[outer]}", "、".join(str(n) for n in sorted(places))
        counts: dict[int, int] = defaultdict(int)
        for row in rows:
            if row.place is None:
                continue
            place = str(row.place) if by_id else row.place
            if place not in places:
                known = shown or f"（这个事项还没有{_OUTER_NOUN[outer]}）"
                label = "编号" if by_id else "序号"
                assert row.place_cell is not None  # a row with a place has its cell
                self.problems.append(row.place_cell.problem(f"这个事项没有{noun.format(place)}；可用的{_OUTER_NOUN[outer]}{label}：{known}"))
                continue
            index = places[place]
            parents[index].setdefault(inner, []).append(row.item)
            self._remember(draft, (outer, index, inner, counts[index]), row)
            counts[index] += 1

    @staticmethod
    def _remember(draft: Draft, loc: Loc, row: _Row) -> None:
        draft.origins[loc] = row.origin
        draft.origins.update({(*loc, *cell_loc): cell for cell_loc, cell in row.cells.items()})

    def _value(self, raw: object, kind: Kind, column: Column, cell: Origin) -> Any:
        """The cell as a field value (None when blank). A cell that cannot mean anything is a problem; its text
        is still passed on, so the field is not also reported missing, and the cell is reported only once."""
        if raw is None or (isinstance(raw, str) and raw.strip() == ""):
            return None
        value, problem = _convert(raw, kind, column.keep_text)
        if problem:
            self.problems.append(cell.problem(problem))
            self.bad_cells.add(cell)
            return str(raw).strip()
        formula = next((v for v in (value if isinstance(value, list) else [value]) if isinstance(v, str) and _FORMULA.match(v)), None)
        if formula:
            self.problems.append(cell.problem(f"“{formula[:30]}”像电子表格公式（以“{formula[0]}”开头），打开表格时可能被当作公式运行；已按文字导入，"
                                              "导出的 CSV 会在前面加“'”使它不运行。请确认这是要写的内容", Severity.WARNING))
        return value


#: What the rows of a nested sheet belong to, in messages.
_OUTER_NOUN = {"steps": "步骤", "questions": "问题", "conditions": "受理条件"}


def _convert(raw: object, kind: Kind, keep_text: bool) -> tuple[Any, str | None]:
    """Values the validator cannot misread are converted; anything else is passed on for it to explain."""
    if isinstance(raw, str):
        raw = raw.replace("\r\n", "\n").strip()
    if isinstance(raw, dt.datetime):
        raw = raw.date() if raw.time() == dt.time() else raw.isoformat(sep=" ")
    if kind is Kind.YES_NO:
        if isinstance(raw, bool):
            return raw, None
        if str(raw) in _TRUE or str(raw) in _FALSE:
            return str(raw) in _TRUE, None
        return None, f"应填“{YES}”或“{NO}”，现在是“{raw}”"
    if kind is Kind.NUMBER:
        if isinstance(raw, float) and raw.is_integer():
            return int(raw), None
        return (int(raw), None) if isinstance(raw, str) and _INTEGER.match(raw) else (raw, None)
    if kind is Kind.DATE:
        if isinstance(raw, str) and (match := _DATE.match(raw)):
            try:
                return dt.date(*map(int, match.groups())), None
            except ValueError:
                return None, f"“{raw}”不是一个存在的日期"
        return (raw, None) if isinstance(raw, (dt.date, str)) else (None, f"应该是日期，格式 YYYY-MM-DD，现在是“{raw}”")
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        if keep_text:
            return None, "单元格是数字格式，开头的 0 可能已经丢失；请把这一列设为“文本”格式后重新填写"
        raw = str(int(raw)) if float(raw).is_integer() else str(raw)
    text = str(raw)
    if kind is Kind.ANSWERS:
        return _answers(text)
    if kind is Kind.LIST and text == EMPTY_LIST:
        return [], None
    if kind is Kind.LIST:
        return [part.strip() for part in re.split(f"[{LIST_SEPARATOR}\n]", text) if part.strip()], None
    return text, None


_ANSWER = re.compile(r"\s*([^\s:,\[\]{}]+)\s*:\s*(?:\[([^\[\]{}:]*)\]|([^\s:,\[\]{}]+))\s*(?:,|$)")


def _answers(text: str) -> tuple[Any, str | None]:
    """`huji: liudong, biangeng: [zhusuo, jianshi]` (braces and full-width punctuation allowed) as a mapping of
    strings; the schema then checks the ids. Read by hand, not as YAML, where an option `no` would be false."""
    flow = text.translate(str.maketrans("：，；、［］｛｝", ":,,,[]{}")).strip()
    flow = flow[1:-1] if flow.startswith("{") and flow.endswith("}") else flow
    answers: dict[str, str | list[str]] = {}
    at = 0
    while flow and at < len(flow) and (match := _ANSWER.match(flow, at)):
        many, one = match.group(2), match.group(3)
        answers[match.group(1)] = one if one is not None else [v.strip() for v in many.split(",") if v.strip()]
        at = match.end()
    if not answers or at < len(flow) or any(v == [] for v in answers.values()):
        return None, f"应写成“问题编号: 选项编号”，几个问题用逗号分开，多选写成方括号，例如 huji: liudong, biangeng: [zhusuo, jianshi]；现在是“{text}”"
    return answers, None


def _locate(origins: dict[Loc, Origin], loc: Loc, cell: Origin) -> None:
    """A field's cell; an object made of several columns (承诺时限 and its unit) is placed at its first column."""
    origins[loc] = cell
    for end in range(1, len(loc)):
        origins.setdefault(loc[:end], cell)


def _cell(values: list, index: int) -> object:
    return values[index] if index < len(values) else None


def _set(data: dict, dotted: str, value: Any) -> None:
    *parents, last = dotted.split(".")
    if value == UNSTATED and last == "value" and parents:  # 未说明 in a duration's value column: the whole duration
        *parents, last = parents
    for part in parents:
        data = data.setdefault(part, {})
        if not isinstance(data, dict):
            return  # the duration is 未说明: its unit and note have nowhere to go
    data[last] = value


# --- drafts -> checked files --------------------------------------------------------------------------


def _indexed(path: str, data: Any) -> tuple[Document, list[Loc]]:
    """A Document whose positions are indices into a list of locations (line n, column 1: the value at
    locs[n-1]; column 2: its key), so every problem the validator reports maps back to its cell exactly."""
    locs: list[Loc] = []

    def walk(value: Any, loc: Loc) -> None:
        locs.append(loc)
        items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
        for key, child in items:
            walk(child, (*loc, key))

    walk(data, ())
    values = {loc: (i + 1, 1) for i, loc in enumerate(locs)}
    keys = {loc: (i + 1, 2) for i, loc in enumerate(locs) if loc}
    return Document(path, data, values, keys), locs


def _check(drafts: list[Draft], root: Path, update: bool, source: str) -> tuple[list[Planned], list[Problem]]:
    existing = validate_tree(root).parsed
    problems: list[Problem] = []
    files: list[Planned] = []
    checked: dict[str, tuple[Document, Matter]] = {}
    by_path: dict[str, tuple[Draft, list[Loc]]] = {}
    for draft in drafts:
        path = existing.matters[draft.id][0].path if draft.id in existing.matters else f"matters/{draft.id}.yaml"
        replaces = (root / path).exists()
        if replaces and not update:
            problems.append(draft.row.problem(f"{path} 已经存在；确认要用表格内容替换它时，加上 --update 再导入"))
        if draft.id in existing.matters:
            _keep_internal(draft.data, existing.matters[draft.id][0].data)
        cells, cell_locs = _indexed(path, draft.data)
        hidden = character_problems(cells)  # checked here, at their cells: in the YAML they would name only the row
        if hidden:
            problems += [_at_cell(p, draft, cell_locs) for p in hidden]
            continue
        text = matter_yaml(draft.data)
        doc, found = load_text(path, text)
        if doc is None:
            problems += [draft.row.problem(f"生成的 YAML 无法读回（{p.message}）") for p in found]
            continue
        indexed, locs = _indexed(path, doc.data)
        by_path[path] = (draft, locs)
        obj, found = check_document(indexed, Matter)
        problems += [_at_cell(p, draft, locs) for p in found]
        if obj is not None:
            checked[draft.id] = (indexed, obj)  # type: ignore[assignment]
        files.append(Planned(path, text, replaces))
    before = set(_rule_problems(existing))
    combined = Parsed(
        departments=existing.departments, halls=existing.halls, sops=existing.sops, guides=existing.guides,
        matters={**{k: v for k, v in existing.matters.items() if k not in checked}, **checked},
        codes=existing.codes, today=existing.today,
    )
    for p in _rule_problems(combined):
        if p.path in by_path:
            problems.append(_at_cell(p, *by_path[p.path]))
        elif p not in before:
            problems.append(Problem(p.path, p.line, p.col, f"导入 {source} 后这里会出错：{p.message}"))
    return files, problems


def _keep_internal(data: dict, old: dict) -> None:
    for path in _INTERNAL:
        kept = get_path(old, path)
        if get_path(data, path) is None and kept is not None:
            _set(data, path, kept)


def _rule_problems(parsed: Parsed) -> list[Problem]:
    return [p for rule in RULES for p in rule(parsed)]


def _at_cell(p: Problem, draft: Draft, locs: list[Loc]) -> Problem:
    return draft.origin(locs[p.line - 1]).problem(p.message)
