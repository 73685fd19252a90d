"""办理情形: a few plain-language questions a matter asks, named situations (combinations of answers), and the
worked examples editors write to pin down what each case needs.

Any part of a matter that does not apply to everyone (a material, a condition, a step, a fee, a time limit, a
result, where to go, an FAQ) carries `when`: the answers it applies to. A matter without questions has no `when`
anywhere and reads as before. What applies for given answers is computed in `build_tools/situations.py`, for the
page, the checks and the exports alike.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, StringConstraints

from .common import LocalId, ShortText, Slug, Strict

#: The answers something applies to: question id -> option id, or several (any of them). Every question named
#: must be answered so (all of them); an item whose question was not asked does not apply.
When = dict[LocalId, LocalId | list[LocalId]]
#: A set of answers, as editors write them in situations and examples: question id -> option id(s).
Answers = dict[LocalId, LocalId | list[LocalId]]

SituationId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length=40)]


class Option(Strict):
    id: LocalId = Field(description="选项编号，本问题内唯一，例如 liudong；写进网址和例子里，发布后不要修改")
    label: ShortText = Field(description="选项文字，用群众的话，例如“双方都不是本市户籍”")


class Question(Strict):
    """One question of the 你的情况 form. Questions are few (each answer combination is checked at build time)."""

    id: LocalId = Field(description="问题编号，本事项内唯一，例如 huji；写进网址和例子里，发布后不要修改")
    text: ShortText = Field(description="问题，用群众的话来问，例如“孩子的父母是本市户籍吗？”")
    help: str | None = Field(None, max_length=300, description="补充说明，显示在问题下面")
    multiple: bool = Field(False, description="可以多选（例如一次变更几项登记事项）；至少选一项")
    options: list[Option] = Field(min_length=2, max_length=12, description="选项，至少两个")
    ask_if: When | None = Field(None, description="只在这些回答下才问，例如 {biangeng: gudong}")


class Situation(Strict):
    """A named combination of answers: a case people know by name (流动人口再生育、减少注册资本)."""

    id: SituationId = Field(description="情形 id，小写字母、数字和连字符；印在二维码短链接里，发布后不要删除或修改")
    name: ShortText = Field(description="情形名称，例如“只变更监事”")
    answers: Answers = Field(description="这个情形的回答：问题编号: 选项编号（多选题写列表）")
    summary: str | None = Field(None, max_length=300, description="一句话说明这个情形")


class Expected(Strict):
    """What an example's answers must lead to; only what is written is compared."""

    materials: list[LocalId] | None = Field(None, description="要带（或免提交）的全部材料编号，不多不少")
    conditions: list[LocalId] | None = Field(None, description="适用的全部受理条件编号")
    halls: list[Slug] | None = Field(None, description="可以去的全部大厅 id")
    where: str | None = Field(None, max_length=20, description="去哪里办的规则，例如“户籍地”“居住地”“任一大厅”")
    promised: str | None = Field(None, max_length=40, description="承诺时限，按页面的写法，例如“1 个工作日”“当场办结”")
    special: list[ShortText] | None = Field(None, description="要经过的特别程序名称，例如 [公告]；写 [] 表示没有")
    visits: int | None = Field(None, ge=0, le=10, description="到窗口办理时最多跑几次")
    charged: bool | None = Field(None, description="是否收费")
    result: str | None = Field(None, max_length=200, description="办理结果名称")


class Example(Strict):
    """A worked example: given these answers, the page must say this. `validate` runs every example."""

    name: ShortText = Field(description="例子名称，例如“只换监事”")
    answers: Answers = Field(description="回答：问题编号: 选项编号（多选题写列表）")
    expect: Expected = Field(description="应当得到的结果")
