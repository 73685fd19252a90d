"""The single definition of every content type.

It feeds three things that therefore cannot disagree: the validator (pydantic), the JSON Schema files that
editors' editors use and the field reference page (both made by `reference.py`).
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel

from .guide import Guide
from .matter import Matter
from .place import Department, Hall
from .sop import Sop


@dataclass(frozen=True)
class ContentType:
    """A kind of content file: where it lives, what model validates it and what editors call it."""

    name: str
    folder: str
    model: type[BaseModel]
    label: str


CONTENT_TYPES: tuple[ContentType, ...] = (
    ContentType("department", "departments", Department, "部门"),
    ContentType("hall", "halls", Hall, "大厅"),
    ContentType("matter", "matters", Matter, "事项"),
    ContentType("sop", "sop", Sop, "SOP"),
    ContentType("guide", "guides", Guide, "场景指南"),
)

BY_FOLDER = {t.folder: t for t in CONTENT_TYPES}
BY_NAME = {t.name: t for t in CONTENT_TYPES}

__all__ = ["CONTENT_TYPES", "BY_FOLDER", "BY_NAME", "ContentType", "Matter", "Hall", "Department", "Sop", "Guide"]
