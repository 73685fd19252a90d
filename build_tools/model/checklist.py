"""The window-service checklist (窗口服务检查表): every item of every window SOP with the marks it is worth. The
staff site prints it, and inspection reports score against it.

An item's full marks come from its scoring rule (“做到得 2 分……”, see `SopItem.full_marks`); a check *fails*
when it scores below full marks.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..schema import Sop
from ..schema.sop import SopItem, SopKind
from .catalogue import Catalogue


@dataclass(frozen=True)
class ChecklistItem:
    """One line of the checklist: a window-SOP item and the marks it is worth."""

    sop: Sop
    item: SopItem
    full_marks: int


def window_sops(catalogue: Catalogue) -> list[Sop]:
    return [s for s in catalogue.sops.values() if s.kind is SopKind.WINDOW and s.items]


def checklist(catalogue: Catalogue) -> list[ChecklistItem]:
    """Every item of every window SOP, in file order (validation guarantees each rule names full marks above 0)."""
    return [ChecklistItem(s, it, it.full_marks or 0) for s in window_sops(catalogue) for it in s.items]
