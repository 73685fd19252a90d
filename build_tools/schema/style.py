"""The content-style glossary (`content-style/glossary.yaml`): terms citizens may not know, which the content
lint asks editors to explain where a matter first uses them."""

from __future__ import annotations

from pydantic import Field

from .common import ShortText, Strict


class Term(Strict):
    term: ShortText = Field(description="术语，例如“容缺受理”")
    explanation: ShortText = Field(description="第一次出现时给群众的解释，例如“次要材料暂时不全时先受理，之后限期补交”")


class Glossary(Strict):
    terms: list[Term] = Field(default_factory=list, description="需要解释的术语")
