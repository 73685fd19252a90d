"""Reference data: halls (大厅) and departments (部门). Matters refer to them by id and never copy addresses."""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field

from .common import INTERNAL, Phone, ShortText, Slug, Strict


class HallType(StrEnum):
    DISTRICT = "区级大厅"
    PROFESSIONAL = "专业大厅"
    STREET = "街道大厅"


class OpeningHours(Strict):
    days: ShortText = Field(description="哪几天，例如“周一至周五”")
    open: str = Field(pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$", description="开门时间，24 小时制，例如 09:00")
    close: str = Field(pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$", description="关门时间，例如 17:00")
    note: str | None = Field(None, max_length=200, description="说明，例如“中午不休息”")


class Window(Strict):
    no: ShortText = Field(description="窗口号，例如 A12")
    name: ShortText = Field(description="窗口名称，例如“综合受理窗口”")


class Hall(Strict):
    id: Slug = Field(description="大厅 id，与文件名相同，发布后不再修改")
    name: ShortText = Field(description="大厅名称")
    type: HallType = Field(description="大厅类型：区级大厅、专业大厅或街道大厅")
    address: ShortText = Field(description="详细地址，写到楼层")
    hours: list[OpeningHours] = Field(min_length=1, description="办公时间")
    holiday_rule: ShortText = Field(description="节假日安排，例如“法定节假日休息，调休工作日正常办公”")
    phone: Phone = Field(description="大厅咨询电话（示例数据请用 010-0000-xxxx 形式）")
    transport: ShortText = Field(description="交通方式：公交、地铁站和出口")
    accessibility: ShortText = Field(description="无障碍设施：坡道、电梯、轮椅、爱心窗口等")
    windows: list[Window] = Field(default_factory=list, description="窗口")
    duty_phone: Phone | None = Field(None, json_schema_extra=INTERNAL, description="值班内线（内部字段，不公开）")


class Department(Strict):
    id: Slug = Field(description="部门 id，与文件名相同")
    name: ShortText = Field(description="部门全称，例如“北京市西城区市场监督管理局”")
    short_name: ShortText = Field(description="简称，例如“区市场监管局”")
    uscc: str = Field(pattern=r"^[0-9A-Z]{18}$", description="统一社会信用代码（18 位）")
    phone: Phone = Field(description="咨询电话")
    halls: list[Slug] = Field(default_factory=list, description="进驻的大厅 id")
