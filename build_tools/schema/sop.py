"""SOPs: the per-matter 业务手册 and the window-service SOPs (听觉/视觉/触觉/嗅觉/秩序, 首问负责 ...)."""

from __future__ import annotations

import datetime as dt
import re
from enum import StrEnum

from pydantic import Field

from .common import INTERNAL, Duration, LocalId, ShortText, Slug, Strict, Text

#: “得 2 分” in a scoring rule: the points an item is worth when done right.
_MARKS = re.compile(r"得\s*(\d+)\s*分")


class SopKind(StrEnum):
    HANDBOOK = "业务手册"
    WINDOW = "窗口服务规范"


class SopAudience(StrEnum):
    PUBLIC = "公开"
    STAFF = "内部"


class Phase(StrEnum):
    INTAKE = "收件"
    ACCEPT = "受理"
    REVIEW = "审查与决定"
    DELIVER = "送达"
    ARCHIVE = "归档"


class OnFail(StrEnum):
    NOTIFY_ONCE = "一次性告知"
    DEFER = "容缺受理"
    REJECT = "不予受理"


class Role(Strict):
    id: LocalId = Field(description="岗位编号，例如 front")
    name: ShortText = Field(description="岗位名称，例如“综合受理窗口”")


class Check(Strict):
    ref: LocalId = Field(description="检查的材料或条件编号（事项文件里的 m1、c1 等）")
    standard: Text = Field(description="审查标准：怎样算合格")
    on_fail: OnFail = Field(description="不合格时怎么办")


class HandbookStep(Strict):
    id: LocalId = Field(description="步骤编号，本手册内唯一")
    phase: Phase = Field(description="环节：收件、受理、审查与决定、送达、归档")
    role: LocalId = Field(description="由哪个岗位办：roles 里的编号")
    action: Text = Field(description="做什么")
    checks: list[Check] = Field(default_factory=list, description="审查要点")
    time_limit: Duration | None = Field(None, description="本环节时限")
    script: str | None = Field(None, max_length=500, description="标准用语")
    outputs: list[ShortText] = Field(default_factory=list, description="产生的文书")


class Category(StrEnum):
    HEARING = "听觉"
    SIGHT = "视觉"
    TOUCH = "触觉"
    SMELL = "嗅觉"
    ORDER = "秩序"
    FIRST_ASK = "首问负责"
    NOTIFY_ONCE = "一次性告知"
    TIME_LIMIT = "限时办结"
    PHRASES = "妙语"


class SopItem(Strict):
    """One inspectable requirement of a window SOP, with the rule a mystery shopper scores it by."""

    id: LocalId = Field(description="条目编号，例如 h1；检查表用它")
    category: Category = Field(description="类别")
    text: Text = Field(description="要求")
    scoring: ShortText = Field(description="评分规则，例如“做到得 2 分，未做到 0 分”")
    internal_criteria: str | None = Field(None, max_length=1000, json_schema_extra=INTERNAL, description="内部考核细则（内部字段，不公开）")

    @property
    def full_marks(self) -> int | None:
        """The highest score the rule names (“做到得 2 分；……” → 2); checklists and inspection reports use it."""
        marks = [int(n) for n in _MARKS.findall(self.scoring)]
        return max(marks) if marks else None


class Phrase(Strict):
    situation: ShortText = Field(description="什么场合")
    say: Text = Field(description="应该这样说")
    avoid: str | None = Field(None, max_length=300, description="不要这样说")


class Sop(Strict):
    id: Slug = Field(description="SOP id，与文件名相同")
    kind: SopKind = Field(description="种类：业务手册（某个事项的内部操作规程）或窗口服务规范")
    title: ShortText = Field(description="标题")
    audience: SopAudience = Field(description="公开：办事群众也能看到；内部：只在工作人员版出现")
    matter: Slug | None = Field(None, description="业务手册对应的事项 id")
    halls: list[Slug] = Field(default_factory=list, description="适用的大厅 id；不写表示所有大厅")
    version: int = Field(ge=1, description="版本号")
    effective_from: dt.date = Field(description="生效日期")
    roles: list[Role] = Field(default_factory=list, description="岗位（业务手册）")
    steps: list[HandbookStep] = Field(default_factory=list, description="操作步骤（业务手册）")
    items: list[SopItem] = Field(default_factory=list, description="服务要求条目（窗口服务规范）")
    phrases: list[Phrase] = Field(default_factory=list, description="服务用语（妙语）")
    owner: Slug = Field(description="负责部门 id")
    approved_by: str | None = Field(None, max_length=100, json_schema_extra=INTERNAL, description="审批人（内部字段，不公开）")
