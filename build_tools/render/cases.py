"""What a matter page shows of its cases (办理情形): the answer box of everyone's view and of each case, and the
table the page's 你的情况 form looks cases up in.

The build computes every case (`situations.cases`); the page carries the answer box of each distinct case as an
inert `<template>` rendered by the same macro as the visible box, and a JSON table: answers -> (box, which items
show). The browser builds the answers' key from the form, as `situations.key` does, and looks it up; it decides
nothing else, so the page and the checks cannot disagree.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from .. import situations as sit
from ..schema.common import Duration
from ..schema.matter import Extension, FeeItem, Matter, SpecialProcedure, Where
from .flowchart import step_numbers


@dataclass(frozen=True)
class Box:
    """What the answer box (办事要点) says: for everyone, or for one case."""

    conditions: int
    alternatives: bool  # some condition is "满足其一"
    counts: sit.Counts
    where: Where | None
    halls: tuple[str, ...] | None  # only these of the matter's halls (ids), for these answers
    promised: Duration
    legal: Duration | str
    waiting: tuple[SpecialProcedure, ...]  # procedures the time limit does not count
    extension: Extension | None
    fees: tuple[FeeItem, ...]
    result: sit.Outcome
    decided: bool  # a case of answers, not the 全部情形 view


#: The rows of the answer box, and the facts each shows: a case's box is its rows, each row rendered once per
#: distinct facts (the page would otherwise repeat the same rows for hundreds of cases).
ROWS: dict[str, tuple[str, ...]] = {
    "can": ("conditions", "alternatives"),
    "bring": ("counts", "decided"),
    "where": ("where", "halls"),
    "visits": (),
    "time": ("promised", "legal", "waiting", "extension"),
    "fees": ("fees",),
    "result": ("result",),
}


def box_of(m: Matter, case: sit.Case, decided: bool) -> Box:
    return Box(len(case.conditions), any(c.alternatives for c in case.conditions), sit.counts(case, decided), case.where, case.halls,
               case.time.promised, case.time.legal, tuple(sit.waiting(case)), m.time_limits.extension,
               case.fees if m.fees.charged else (), case.result, decided)


@dataclass
class CaseView:
    """The 你的情况 form and its table, for a matter with questions."""

    everyone: Box
    rows: list[tuple[str, Box]] = field(default_factory=list)  # each distinct row: its kind and a box that shows it
    table: dict[str, Any] = field(default_factory=dict)
    item_index: dict[int, int] = field(default_factory=dict)  # id(item) -> its place among the items that vary
    situation_keys: dict[str, str] = field(default_factory=dict)

    def index(self, item: object) -> int | None:
        """Where `item` is in the table's item list, if it varies by case."""
        return self.item_index.get(id(item))


def varying(m: Matter) -> Iterator[object]:
    """The items of a matter that only some answers need, in page order."""
    for group in (m.conditions, m.materials, m.steps, m.special_procedures, m.fees.items, m.faq, m.links):
        yield from (x for x in group if x.when is not None)


def case_view(m: Matter) -> CaseView:
    view = CaseView(box_of(m, sit.everything(m), decided=False))
    items = list(varying(m))
    view.item_index = {id(x): i for i, x in enumerate(items)}
    rows: dict[tuple, int] = {}  # by the row's facts (see _Facts: a box holds models, which do not hash)
    facts_of = _Facts()
    boxes: dict[tuple[int, ...], int] = {}
    shows: dict[tuple[str, str], int] = {}
    cases: dict[str, list[int]] = {}
    for case in sit.cases(m):
        box = box_of(m, case, decided=True)
        chosen = {id(x) for x in (*case.conditions, *case.materials, *case.steps, *case.procedures, *case.fees, *case.faq, *case.links)}
        bits = "".join("1" if id(x) in chosen else "0" for x in items)
        show = (bits, _numbers(m, case))
        parts = []
        for kind, fields in ROWS.items():
            facts = (kind, *(facts_of(getattr(box, f)) for f in fields))
            if facts not in rows:
                rows[facts] = len(view.rows)
                view.rows.append((kind, box))
            parts.append(rows[facts])
        cases[sit.key(m, case.answers)] = [boxes.setdefault(tuple(parts), len(boxes)), shows.setdefault(show, len(shows))]
    view.situation_keys = {s.id: sit.key(m, sit.situation_answers(s)) for s in m.situations}
    view.table = {
        "questions": [{"id": q.id, "multiple": q.multiple, "options": [o.id for o in q.options], "ask_if": _when(q.ask_if)}
                      for q in m.questions],
        "cases": cases,
        "boxes": [list(parts) for parts in boxes],
        "shows": [{"items": bits, "numbers": numbers} for bits, numbers in shows],
        "situations": view.situation_keys,
    }
    return view


class _Facts(dict):
    """A hashable stand-in for a fact of the answer box, equal when the facts' reprs are: a model is its repr, made
    once per model (the hundreds of cases of a matter share the same few), a dataclass or tuple the stand-ins of
    its parts."""

    def __call__(self, value: Any) -> Any:
        if isinstance(value, BaseModel):
            found = self.get(id(value))
            if found is None:
                found = self[id(value)] = (value, repr(value))  # the model is kept so its id is not reused
            return found[1]
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            return (type(value).__name__, *(self(getattr(value, f.name)) for f in dataclasses.fields(value)))
        if isinstance(value, tuple):
            return tuple(self(v) for v in value)
        return value


def _when(when: dict | None) -> dict[str, list[str]] | None:
    return None if when is None else {q: [v] if isinstance(v, str) else list(v) for q, v in when.items()}


def _numbers(m: Matter, case: sit.Case) -> str:
    """The number each step shows in this case, in page order ("" for a step the case does not need): the steps
    of each way of applying are numbered on their own (steps_by_channel)."""
    chosen = {id(s) for s in case.steps}
    out = []
    for _, steps in steps_by_channel(m):
        shown = [s for s in steps if id(s) in chosen]
        numbers = dict(zip(map(id, shown), step_numbers(shown)))
        out += [numbers.get(id(s), "") for s in steps]
    return ",".join(out)


def steps_by_channel(m: Matter) -> list[tuple[str | None, list]]:
    """The journeys a page shows: one list, or (when some steps belong to one way of applying) the online and the
    window journey, each with the steps both share."""
    channels = [c for c in ("网上", "窗口") if any(s.channel == c for s in m.steps)]
    if not channels:
        return [(None, list(m.steps))]
    return [(c, [s for s in m.steps if s.channel is None or s.channel == c]) for c in channels]
