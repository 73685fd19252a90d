"""Scenario guides (一件事): an ordered journey through several matters, e.g. 开办企业, 生育, 退休."""

from __future__ import annotations

from pydantic import Field

from .common import ShortText, Slug, Strict, Text
from .matter import StepLogic


class GuideStep(Strict):
    title: ShortText = Field(description="步骤标题，以动词开头")
    text: Text = Field(description="这一步要做什么")
    matters: list[Slug] = Field(min_length=1, description="这一步要办的事项 id")
    logic: StepLogic | None = Field(None, description="与上一步的关系：和、或")
    optional: bool = Field(False, description="可选步骤")


class Guide(Strict):
    id: Slug = Field(description="场景 id，与文件名相同")
    title: ShortText = Field(description="场景名称，例如“开办企业一件事”")
    popular_names: list[ShortText] = Field(default_factory=list, description="俗称，例如“开公司”")
    summary: Text = Field(description="一句话说明")
    audience: list[ShortText] = Field(default_factory=list, description="服务对象")
    steps: list[GuideStep] = Field(min_length=2, description="步骤")
    owner: Slug = Field(description="负责部门 id")
