"""Building blocks shared by every content type.

Field names are English snake_case; enumeration *values* are the Chinese words editors already use in
办事指南, so a YAML file reads like the guide it produces. Each field's Chinese description is what editors see
on hover in their editor and in the generated field reference.
"""

from __future__ import annotations

import datetime as dt
import re
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError, WrapValidator, model_validator
from pydantic.config import JsonDict

#: Marks a field that must never reach a public build (internal phone extensions, staff notes ...).
INTERNAL: JsonDict = {"x-internal": True}
#: What an editor writes where the source gives no value: a count or a legal time limit the guide does not
#: state. The page then says 以窗口告知为准 instead of a number nobody promised, and the lint warns.
UNSTATED = "未说明"
Unstated = Literal["未说明"]


def _count_or_unstated(value: Any, handler: Any) -> Any:
    if value == UNSTATED:
        return UNSTATED
    try:
        return handler(value)
    except ValidationError:
        raise ValueError(f"应该是 0–20 的整数；来源没有写明时写“{UNSTATED}”，现在是“{value}”") from None


#: A number of copies, or 未说明 where the source does not say.
Count = Annotated[int | Unstated, Field(ge=0, le=20), WrapValidator(_count_or_unstated)]

#: An id: the file's name and part of a permanent address.
SLUG_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
ID_MAX = 80
#: Names Windows keeps for devices whatever follows the first dot: `con.yaml` cannot be checked out or opened there.
DEVICE_NAMES = frozenset({"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)), *(f"lpt{i}" for i in range(1, 10))})

Slug = Annotated[str, StringConstraints(pattern=SLUG_PATTERN, max_length=ID_MAX)]
LocalId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=40)]
Text = Annotated[str, StringConstraints(min_length=1, max_length=4000)]
ShortText = Annotated[str, StringConstraints(min_length=1, max_length=200)]
Url = Annotated[str, StringConstraints(pattern=r"^https?://[^\s<>\"']+$", max_length=500)]
Phone = Annotated[str, StringConstraints(pattern=r"^[0-9][0-9\-]{2,19}$")]


class Strict(BaseModel):
    """Every content object rejects unknown keys, so a typo is reported instead of silently ignored."""

    model_config = ConfigDict(extra="forbid", frozen=True, coerce_numbers_to_str=True)


class TimeUnit(StrEnum):
    WORKING_DAY = "工作日"
    NATURAL_DAY = "自然日"
    HOUR = "小时"
    MINUTE = "分钟"


_DAYS = {TimeUnit.NATURAL_DAY: 1.0, TimeUnit.WORKING_DAY: 7 / 5, TimeUnit.HOUR: 1 / 24, TimeUnit.MINUTE: 1 / 1440}


class Duration(Strict):
    """A span of time: always a number with a unit, never free text, so it can be compared and summed. Where the
    source gives a range (8–10 分钟, 3–5 个工作日), `value` is the least and `max` the most."""

    value: int = Field(ge=0, le=3650, description="数值；0 表示当场办结（即办）；有范围时写最少的")
    max: int | None = Field(None, ge=1, le=3650, description="有范围时写最多的，例如 8–10 分钟写 value: 8, max: 10")
    unit: TimeUnit = Field(description="单位：工作日、自然日、小时或分钟")
    note: str | None = Field(None, max_length=500, description="说明，例如“不含公示时间”")

    def __str__(self) -> str:
        """How the guide says it: "5 个工作日", "8–10 分钟", "当场办结"."""
        if self.value == 0 and not self.max:
            return "当场办结"
        counter = "个" if self.unit in (TimeUnit.WORKING_DAY, TimeUnit.NATURAL_DAY) else ""
        span = f"{self.value}–{self.max}" if self.max and self.max != self.value else str(self.value)
        return f"{span} {counter}{self.unit}"

    @model_validator(mode="after")
    def _range(self) -> Duration:
        if self.max is not None and self.max < self.value:
            raise ValueError(f"范围写反了：max（{self.max}）应大于 value（{self.value}）；8–10 分钟写 value: 8, max: 10")
        return self

    @property
    def most(self) -> int:
        """The longest it can take: what a promise is held to."""
        return max(self.value, self.max or 0)

    def natural_days(self) -> float:
        """In natural days (a working day counts 7/5; a range counts its longest), so promised and legal times
        compare across units."""
        return self.most * _DAYS[self.unit]

    def iso8601(self) -> str:
        """For CPSV-AP and schema.org `processingTime`. ISO 8601 has no working days: 工作日 are given as days (P5D),
        the figure the guide itself promises."""
        if self.value == 0:
            return "PT0S"
        return {TimeUnit.WORKING_DAY: f"P{self.value}D", TimeUnit.NATURAL_DAY: f"P{self.value}D",
                TimeUnit.HOUR: f"PT{self.value}H", TimeUnit.MINUTE: f"PT{self.value}M"}[self.unit]


class Contact(Strict):
    """One way to reach someone: a phone number, a window, or a web address."""

    type: "ContactType" = Field(description="方式：电话、窗口或网上")
    value: ShortText = Field(description="电话号码、窗口名称或网址")
    hours: str | None = Field(None, max_length=200, description="可联系的时间")
    hall: Slug | None = Field(None, description="窗口所在大厅的 id（方式为窗口时填写）")


class ContactType(StrEnum):
    PHONE = "电话"
    WINDOW = "窗口"
    ONLINE = "网上"


class HistoryEntry(Strict):
    date: dt.date = Field(description="变更日期，格式 YYYY-MM-DD")
    change: Text = Field(description="变更内容，写给办事群众看")
    ref: str | None = Field(None, max_length=200, description="依据文件或文号")


def is_device_name(file_name: str) -> bool:
    return file_name.split(".", 1)[0].lower() in DEVICE_NAMES


def id_problem(ident: str) -> str | None:
    """What makes `ident` unusable as a new id (and so as a file name and a permanent address), for an editor."""
    if len(ident) > ID_MAX:
        return f"id 太长（{len(ident)} 个字符，最多 {ID_MAX} 个）：它是永久网址的一部分，请用简短的拼音或英文"
    if not re.match(SLUG_PATTERN, ident):
        return "只能用小写字母、数字和连字符，例如 qiye-sheli-dengji"
    if is_device_name(ident):
        return f"“{ident}”是 Windows 保留的设备名，这样命名的文件在 Windows 电脑上无法检出和打开；请换一个 id"
    return None


def field_docs(model: type[BaseModel]) -> dict[str, Any]:
    """Chinese description of each field, for error messages that name what a field means."""
    return {name: f.description for name, f in model.model_fields.items()}


Contact.model_rebuild()
