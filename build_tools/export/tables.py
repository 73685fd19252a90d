"""The catalogue as spreadsheet tables: one sheet of matters plus one sheet per list (materials, steps ...).

Export and import both read these definitions, so a column written by the build is a column the importer
understands, and the round trip YAML → spreadsheet → YAML loses nothing. Headers are Chinese and stable: they
are the public names of the columns. Every field of the matter schema has a column (`uncovered_fields` is
empty; a test keeps it so).

Cell conventions: lists are written with “、” between items (a line break also separates items on import),
yes/no fields as 是/否, dates as YYYY-MM-DD, answers (`when`, a situation's answers) as in YAML without the braces
(`huji: liudong, biangeng: [zhusuo, jianshi]`), a value the source does not state as 未说明 in the value column,
and an empty list that differs from no list at all (an example that expects no special procedure) as （无）.
"""

from __future__ import annotations

import datetime as dt
import typing
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from enum import Enum, StrEnum
from functools import cache, cached_property
from typing import Any

from pydantic import BaseModel

from ..schema import Matter
from ..schema.reference import field_rows, is_object, item_type, strip_optional

Cell = str | int | None
#: A row is a tuple: the garbage collector stops tracking tuples of plain values, whereas rows kept as lists are
#: tracked and make its full collections walk the whole catalogue again.
Row = tuple[Cell, ...]
LIST_SEPARATOR = "、"
YES, NO = "是", "否"


class Kind(StrEnum):
    """How a field is written in one cell."""

    TEXT = "文字"
    NUMBER = "整数"
    YES_NO = "是/否"
    DATE = "日期"
    LIST = "列表"
    ANSWERS = "回答"


class Role(StrEnum):
    """What a column holds: a field of the row's item, or how the row is placed in the matter."""

    FIELD = "field"
    ORDINAL = "ordinal"  # 步骤序号 of a step: orders the steps and names them for their sub-steps
    PARENT = "parent"  # 步骤序号 of the step a sub-step belongs to
    PARENT_ID = "parent-id"  # the id of the item a row belongs to (问题编号 of an option)
    KEY = "key"  # the key of a mapping row (窗口号: the hall id)
    VALUE = "value"  # the value of a mapping row

    @property
    def places(self) -> bool:
        """The column says where its row goes, not a field of the item."""
        return self in (Role.ORDINAL, Role.PARENT, Role.PARENT_ID)


#: An empty list where the field may also be absent (an example expecting no special procedure: `special: []`).
EMPTY_LIST = "（无）"


@dataclass(frozen=True)
class Column:
    header: str
    field: str = ""  # dotted path inside one item of the sheet, e.g. "where.hall"
    role: Role = Role.FIELD
    keep_text: bool = False  # digit strings whose leading zeros matter: a number cell would have lost them


@dataclass(frozen=True)
class Sheet:
    name: str  # worksheet name, also used in error messages
    slug: str  # CSV files: FILE.csv is the matter sheet, FILE.<slug>.csv the others
    where: str  # dotted path of the sheet's items in a matter; "" for the matter sheet; "[]" steps into list items
    columns: tuple[Column, ...]

    @cached_property
    def cell_makers(self) -> tuple[CellMaker, ...]:
        """How each column makes its cell, chosen once per sheet, not for each of the million cells of 5,000 matters."""
        return tuple(_cell_maker(self, c) for c in self.columns)

    def full_path(self, column: Column) -> str:
        """The column's field in the notation of the field reference (materials[].name)."""
        if column.role is Role.KEY or column.role is Role.VALUE:
            return self.where
        prefix = f"{self.where}[]." if self.where else ""
        return prefix + column.field

    def kind(self, column: Column) -> Kind:
        if column.role in (Role.ORDINAL, Role.PARENT):
            return Kind.NUMBER
        if column.role is Role.KEY or column.role is Role.PARENT_ID:
            return Kind.TEXT
        if column.role is Role.VALUE:
            return Kind.LIST
        return _kind(_annotation(self.full_path(column)))

    def nullable_list(self, column: Column) -> bool:
        """A list field whose absence means something else than its being empty."""
        return column.role is Role.FIELD and self.kind(column) is Kind.LIST and _default(self.full_path(column)) is None

    @property
    def outer(self) -> str:
        """The list a nested sheet's rows belong to (steps for sub-steps); "" for other sheets."""
        return self.where.split("[].")[0] if "[]" in self.where else ""

    def choices(self, column: Column) -> tuple[str, ...]:
        """Allowed values of a choice column (an enumeration, or 是/否); empty for free text."""
        if column.role is not Role.FIELD:
            return ()
        if self.kind(column) is Kind.YES_NO:
            return (YES, NO)
        inner = item_type(_annotation(self.full_path(column)))
        return tuple(e.value for e in inner) if isinstance(inner, type) and issubclass(inner, Enum) else ()


MATTER_ID = "事项 id"
WHEN = "适用回答"


def _duration(header: str, field: str) -> tuple[Column, ...]:
    """A duration's four columns: 3 (or 3–5) 个工作日 and a note."""
    return (Column(header, f"{field}.value"), Column(f"{header}（最多）", f"{field}.max"), Column(f"{header}单位", f"{field}.unit"),
            Column(f"{header}说明", f"{field}.note"))


MATTERS = Sheet("事项", "matters", "", (
    Column(MATTER_ID, "id"),
    Column("事项名称", "name"),
    Column("俗称", "popular_names"),
    Column("一句话说明", "summary"),
    Column("基本编码", "codes.catalog", keep_text=True),
    Column("实施编码", "codes.implementation", keep_text=True),
    Column("业务办理项编码", "codes.handle_item", keep_text=True),
    Column("事项类型", "matter_type"),
    Column("服务对象", "audience"),
    Column("主题分类", "topics"),
    Column("实施主体", "authority.body"),
    Column("实施主体性质", "authority.nature"),
    Column("权力来源", "authority.power_source"),
    Column("原实施机关", "authority.from_body"),
    Column("联办机构", "authority.joint_bodies"),
    Column("行使层级", "authority.level"),
    Column("审查标准", "review_standard"),
    *_duration("法定时限", "time_limits.legal"),
    *_duration("承诺时限", "time_limits.promised"),
    *_duration("延长时限", "time_limits.extension.duration"),
    Column("延长条件", "time_limits.extension.condition"),
    *_duration("申请期限", "deadline.duration"),
    Column("申请期限起算", "deadline.since"),
    Column("办件类型", "handling_type"),
    Column("到现场次数", "visits.count"),
    Column("网上办理到现场次数", "visits.online"),
    Column("到现场原因", "visits.reason"),
    Column("是否收费", "fees.charged"),
    Column("网上支付", "fees.online_payment"),
    Column("结果名称", "result.name"),
    Column("结果类型", "result.type"),
    Column("结果样本", "result.sample"),
    Column("送达方式", "result.delivery"),
    *_duration("结果可取时间", "result.available"),
    Column("窗口办理大厅", "channels.window.halls"),
    Column("窗口类型", "channels.window.window_kind"),
    Column("受理地规则", "channels.window.jurisdiction.rule"),
    Column("受理地说明", "channels.window.jurisdiction.note"),
    Column("窗口办理说明", "channels.window.note"),
    Column("网上办理地址", "channels.online.url"),
    Column("手机端办理地址", "channels.online.mobile_url"),
    Column("网上办理深度", "channels.online.depth"),
    Column("网上办理说明", "channels.online.note"),
    Column("支持预约", "channels.appointment.supported"),
    Column("预约地址", "channels.appointment.url"),
    Column("预约电话", "channels.appointment.phone"),
    Column("自助终端大厅", "channels.self_service_halls"),
    Column("支持快递", "channels.express.supported"),
    Column("快递说明", "channels.express.note"),
    Column("通办范围", "scope"),
    Column("办理时间", "hours"),
    Column("地点补充说明", "place_note"),
    Column("相关事项", "related"),
    Column("状态", "status.state"),
    Column("状态生效日期", "status.since"),
    Column("状态原因", "status.reason"),
    Column("接替事项", "status.successor"),
    Column("可改办事项", "status.alternatives"),
    Column("负责部门", "review.owner"),
    Column("最近核对日期", "review.last_verified"),
    Column("核对人", "review.verified_by"),
    Column("窗口内部备注", "staff_notes"),
    Column("后台内线电话", "internal_phone"),
))

SHEETS: tuple[Sheet, ...] = (
    MATTERS,
    Sheet("设定依据", "legal-basis", "legal_basis", (
        Column("法律法规名称", "title"), Column("文号", "doc_no"), Column("条款号", "article"), Column("条款摘录", "excerpt"),
    )),
    Sheet("受理条件", "conditions", "conditions", (Column("条件编号", "id"), Column("受理条件", "text"), Column(WHEN, "when"))),
    Sheet("可选条件", "alternatives", "conditions[].alternatives", (
        Column("条件编号", role=Role.PARENT_ID), Column("可选条件编号", "id"), Column("可选条件", "text"),
    )),
    Sheet("申请材料", "materials", "materials", (
        Column("材料编号", "id"), Column("材料名称", "name"), Column("必要性", "necessity"), Column("需要的情形", "condition"),
        Column("原件份数", "originals"), Column("复印件份数", "copies"), Column("材料形式", "form"), Column("来源渠道", "source"),
        Column("空白表格", "blank_form"), Column("示例样表", "sample"), Column("免提交", "exempt"), Column("填报须知", "notes"),
        Column("每人一份", "for_each"), Column(WHEN, "when"),
    )),
    Sheet("办理步骤", "steps", "steps", (
        Column("步骤序号", role=Role.ORDINAL), Column("步骤标题", "title"), Column("步骤说明", "text"), Column("与上一步关系", "logic"),
        Column("可选步骤", "optional"), Column("办理大厅", "where.hall"), Column("办理地点", "where.text"),
        *_duration("所需时间", "duration"), Column("费用", "fee"), Column("链接", "link"), Column("办理方式", "channel"), Column(WHEN, "when"),
    )),
    Sheet("子步骤", "substeps", "steps[].substeps", (
        Column("步骤序号", role=Role.PARENT), Column("子步骤标题", "title"), Column("子步骤说明", "text"), Column("可选子步骤", "optional"),
    )),
    Sheet("时限情形", "time-variants", "time_limits.variants", (
        Column(WHEN, "when"), *_duration("承诺时限", "promised"), *_duration("法定时限", "legal"), Column("时限说明", "note"),
    )),
    Sheet("特别程序", "special-procedures", "special_procedures", (
        Column("程序种类", "kind"), Column("程序名称", "name"), *_duration("所需时间", "duration"), Column("计入办结时限", "counted"),
        Column("申请前完成", "before"), Column("程序说明", "note"), Column(WHEN, "when"),
    )),
    Sheet("受理地情形", "where-variants", "channels.window.jurisdiction.variants", (
        Column(WHEN, "when"), Column("受理地规则", "rule"), Column("只能去的大厅", "halls"),
    )),
    Sheet("窗口号", "windows", "channels.window.windows", (Column("大厅 id", role=Role.KEY), Column("窗口号", role=Role.VALUE))),
    Sheet("收费项目", "fees", "fees.items", (
        Column("收费项目名称", "name"), Column("收费标准", "standard"), Column("收费依据", "basis"), Column("可以减免", "reducible"),
        Column(WHEN, "when"),
    )),
    Sheet("结果情形", "result-variants", "result.variants", (
        Column(WHEN, "when"), Column("结果名称", "name"), Column("结果类型", "type"), Column("送达方式", "delivery"),
        *_duration("可取时间", "available"),
    )),
    Sheet("咨询方式", "consult", "contacts.consult", (
        Column("方式", "type"), Column("电话、窗口或网址", "value"), Column("时间", "hours"), Column("所在大厅", "hall"),
    )),
    Sheet("投诉方式", "complaint", "contacts.complaint", (
        Column("方式", "type"), Column("电话、窗口或网址", "value"), Column("时间", "hours"), Column("所在大厅", "hall"),
    )),
    Sheet("常见问题", "faq", "faq", (Column("问题", "q"), Column("回答", "a"), Column(WHEN, "when"))),
    Sheet("关联事项", "links", "links", (
        Column("关系", "type"), Column("关联事项 id", "matter"), Column("关系说明", "note"), Column(WHEN, "when"),
    )),
    Sheet("问题", "questions", "questions", (
        Column("问题编号", "id"), Column("问题", "text"), Column("问题说明", "help"), Column("多选", "multiple"), Column("提问条件", "ask_if"),
    )),
    Sheet("问题选项", "options", "questions[].options", (
        Column("问题编号", role=Role.PARENT_ID), Column("选项编号", "id"), Column("选项文字", "label"),
    )),
    Sheet("办理情形", "situations", "situations", (
        Column("情形 id", "id"), Column("情形名称", "name"), Column("回答", "answers"), Column("情形说明", "summary"),
    )),
    Sheet("例子", "examples", "examples", (
        Column("例子名称", "name"), Column("回答", "answers"), Column("应有材料", "expect.materials"),
        Column("应有条件", "expect.conditions"), Column("可去大厅", "expect.halls"), Column("到哪里办", "expect.where"),
        Column("承诺时限", "expect.promised"), Column("特别程序", "expect.special"), Column("跑动次数", "expect.visits"),
        Column("是否收费", "expect.charged"), Column("办理结果", "expect.result"),
    )),
    Sheet("变更记录", "history", "history", (Column("变更日期", "date"), Column("变更内容", "change"), Column("依据", "ref"))),
)

BY_NAME = {s.name: s for s in SHEETS}


# --- the schema behind each column ------------------------------------------------------------------


@cache
def _annotation(path: str) -> object:
    """The type annotation of a field given in field-reference notation (steps[].where.hall)."""
    model: type[BaseModel] = Matter
    annotation: object = None
    for part in path.split("."):
        annotation = model.model_fields[part.removesuffix("[]")].annotation
        if is_object(annotation):
            model = item_type(annotation)  # type: ignore[assignment]
    return annotation


@cache
def _default(path: str) -> object:
    *parents, last = path.split(".")
    model: type[BaseModel] = item_type(_annotation(".".join(parents))) if parents else Matter  # type: ignore[assignment]
    return model.model_fields[last.removesuffix("[]")].get_default(call_default_factory=True)


def _kind(annotation: object) -> Kind:
    inner = strip_optional(annotation)
    if typing.get_origin(inner) is dict:
        return Kind.ANSWERS  # the one mapping that is a column (窗口号 is a sheet of its own)
    if typing.get_origin(inner) is list:
        return Kind.LIST
    if inner is bool:
        return Kind.YES_NO
    if inner is int:
        return Kind.NUMBER
    if inner is dt.date:
        return Kind.DATE
    return Kind.TEXT


def uncovered_fields() -> list[str]:
    """Schema fields that no column holds (should be none: such a field would be lost in a round trip)."""
    covered = {s.full_path(c) for s in SHEETS for c in s.columns if not c.role.places}
    covered |= {s.where for s in SHEETS if s.where}
    leaves = [r.path for r in field_rows(Matter) if not is_object(_annotation(r.path))]
    return [p for p in leaves if p not in covered]


# --- matter -> rows ------------------------------------------------------------------------------------


#: Where a nested row's parent is: its number (1-based) and the parent item.
Parent = tuple[int, dict] | None
#: A column's cell from where its row is: (parent, index or mapping key, item of the sheet).
CellMaker = Callable[[Parent, int | str, Any], Cell]


def _joined(values: list | None) -> Cell:
    return None if values is None else LIST_SEPARATOR.join(map(str, values))


def _joined_or_empty(values: list | None) -> Cell:
    return EMPTY_LIST if values == [] else _joined(values)


def answers_cell(answers: dict | None) -> Cell:
    """{huji: liudong, biangeng: [zhusuo, jianshi]} -> "huji: liudong, biangeng: [zhusuo, jianshi]" (YAML without braces)."""
    if answers is None:
        return None
    return ", ".join(f"{q}: [{', '.join(v)}]" if isinstance(v, list) else f"{q}: {v}" for q, v in answers.items())


#: Values are as in `model_dump(mode="json")`, so a column's kind says how it converts to a cell: yes/no, lists
#: and answers do; text, numbers and dates are cells already.
_CONVERSIONS: dict[Kind, Callable[[Any], Cell]] = {Kind.YES_NO: {True: YES, False: NO}.get, Kind.LIST: _joined, Kind.ANSWERS: answers_cell}


def _cell_maker(sheet: Sheet, column: Column) -> CellMaker:
    if column.role is Role.ORDINAL:
        return lambda parent, key, item: int(key) + 1
    if column.role is Role.PARENT:
        return lambda parent, key, item: parent[0] if parent else None
    if column.role is Role.PARENT_ID:
        return lambda parent, key, item: parent[1].get("id") if parent else None
    if column.role is Role.KEY:
        return lambda parent, key, item: key
    if column.role is Role.VALUE:
        return lambda parent, key, item: _joined(item)
    read = _reader(_parts(column.field))
    convert: Callable[[Any], Cell] | None = _joined_or_empty if sheet.nullable_list(column) else _CONVERSIONS.get(sheet.kind(column))
    return read if convert is None else lambda parent, key, item: convert(read(parent, key, item))


def _reader(parts: tuple[str, ...]) -> CellMaker:
    if len(parts) == 1:  # most cells: one look-up, without the loop of `_dig`
        name = parts[0]
        return lambda parent, key, item: item.get(name)
    return lambda parent, key, item: _dig(item, parts)


def get_path(data: dict, dotted: str) -> Any:
    return _dig(data, _parts(dotted))


@cache
def _parts(dotted: str) -> tuple[str, ...]:
    return tuple(dotted.split("."))


def _dig(value: Any, parts: tuple[str, ...]) -> Any:
    for i, part in enumerate(parts):
        if value is None:
            return None
        if isinstance(value, str):  # 未说明 in place of a duration: its value column says so
            return value if parts[i:] == ("value",) else None
        value = value.get(part)
    return value


def items_of(sheet: Sheet, matter: dict) -> Iterator[tuple[Parent, int | str, Any]]:
    """(parent, index or mapping key, item) for each row the sheet has for one matter."""
    if sheet.outer:
        inner = sheet.where.split("[].")[1]
        for number, parent in enumerate(get_path(matter, sheet.outer) or [], start=1):
            for index, item in enumerate(get_path(parent, inner) or []):
                yield (number, parent), index, item
        return
    found = get_path(matter, sheet.where)
    if isinstance(found, dict):
        yield from ((None, key, value) for key, value in found.items())
    else:
        yield from ((None, index, item) for index, item in enumerate(found or []))


def sheet_rows(sheet: Sheet, matter: dict) -> list[Row]:
    """The rows of one sheet for one matter; `matter` is `Matter.model_dump(mode="json")`, with or without
    its None values (a missing key reads as None)."""
    makers = sheet.cell_makers
    if sheet is MATTERS:
        return [tuple([make(None, 0, matter) for make in makers])]
    mid = matter["id"]
    return [(mid, *[make(parent, key, item) for make in makers]) for parent, key, item in items_of(sheet, matter)]


def headers(sheet: Sheet) -> list[str]:
    """Every sheet but the matter sheet starts with the matter id its row belongs to."""
    return [c.header for c in sheet.columns] if sheet is MATTERS else [MATTER_ID, *(c.header for c in sheet.columns)]


def catalogue_tables(matters: Iterable[dict]) -> dict[Sheet, list[Row]]:
    """Every sheet with its rows (header not included), matters in the given order, read in one pass."""
    tables: dict[Sheet, list[Row]] = {s: [] for s in SHEETS}
    for matter in matters:
        for sheet, rows in tables.items():
            rows += sheet_rows(sheet, matter)
    return tables
