"""Reference data: halls (大厅) and departments (部门). Matters refer to them by id and never copy addresses."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from pydantic import Field

from .common import INTERNAL, Phone, ShortText, Slug, Strict, Url


class HallType(StrEnum):
    DISTRICT = "区级大厅"
    PROFESSIONAL = "专业大厅"
    STREET = "街道大厅"
    COMMUNITY = "社区服务站"


class WindowKind(StrEnum):
    GENERAL = "综合受理"
    SPECIAL = "专业窗口"
    PICKUP = "出件"
    ADVICE = "咨询"
    PRIORITY = "绿色通道"
    SELF_SERVICE = "自助"


class OpeningHours(Strict):
    days: ShortText = Field(description="哪几天，例如“周一至周五”")
    open: str = Field(pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$", description="开门时间，24 小时制，例如 09:00")
    close: str = Field(pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$", description="关门时间，例如 17:00")
    note: str | None = Field(None, max_length=200, description="说明，例如“中午不休息”")


class Window(Strict):
    no: ShortText = Field(description="窗口号，例如 A12")
    name: ShortText = Field(description="窗口名称，例如“综合受理窗口”")
    kind: WindowKind = Field(description="窗口类别：综合受理、专业窗口、出件、咨询、绿色通道或自助")


class Indicator(Strict):
    """A published service indicator (平均等候时间 8–10 分钟), with where and when it was published."""

    name: ShortText = Field(description="指标名称，例如“平均等候时间”")
    value: ShortText = Field(description="数值和单位，例如“8–10 分钟”")
    source: ShortText = Field(description="出处，例如“区政务服务中心 2019 年工作报告”")
    date: dt.date = Field(description="发布日期")


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
    street: ShortText | None = Field(None, description="街道大厅、社区服务站所在的街道，例如“月坛街道”：按户籍地、居住地办理的事项据此找大厅")
    one_window: bool = Field(False, description="实行一窗式综合受理（“一口进、一口出”）")
    appointment_url: Url | None = Field(None, description="网上预约地址")
    indicators: list[Indicator] = Field(default_factory=list, description="公布的服务指标：名称、数值、出处、日期")
    duty_phone: Phone | None = Field(None, json_schema_extra=INTERNAL, description="值班内线（内部字段，不公开）")


class Department(Strict):
    id: Slug = Field(description="部门 id，与文件名相同")
    name: ShortText = Field(description="部门全称，例如“北京市西城区市场监督管理局”")
    short_name: ShortText = Field(description="简称，例如“区市场监管局”")
    uscc: str = Field(pattern=r"^[0-9A-Z]{18}$", description="统一社会信用代码（18 位）")
    phone: Phone = Field(description="咨询电话")
    halls: list[Slug] = Field(default_factory=list, description="进驻的大厅 id")
