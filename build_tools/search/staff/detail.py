"""What the console shows about one matter (summary, 一次性告知 materials, situations, internal notes): a typed value
made at index time, kept in the index as plain data (`stored`), and served as JSON by `/api/matters/<id>`
(`to_json`: without the snippet sources and the situations' match words, which only searching uses)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from typing import Any

from pydantic import BaseModel

from ... import situations
from ...model import Catalogue
from ...model.audience import is_internal
from ...schema.matter import Matter
from ...schema.situations import Situation
from ...settings import Settings
from ...urls import short_url, url_of, with_situation
from ..analyzer import Analyzer, fold_chars


@dataclass(frozen=True)
class Ref:
    id: str
    name: str


@dataclass(frozen=True)
class Successor:
    id: str
    title: str


@dataclass(frozen=True)
class MaterialDetail:
    id: str
    name: str
    necessity: str
    condition: str | None
    originals: int | str  # a count, or 未说明
    copies: int | str
    form: list[str]
    source: str
    exempt: bool
    notes: str | None


@dataclass(frozen=True)
class SituationDetail:
    """A named case: its page address and the materials it needs (the build's own case); `match` holds the folded
    words a query is matched against to say which case a hit is about."""

    id: str
    name: str
    url: str
    materials: list[str]
    match: str = ""


@dataclass(frozen=True)
class MatterDetail:
    id: str
    title: str
    code: str
    url: str
    short_url: str
    summary: str
    popular_names: list[str]
    department: Ref
    halls: list[str]  # ids
    hall_names: list[str]
    state: str
    successor: Successor | None
    handling_type: str
    promised: str
    fees: str
    visits: int
    materials: list[MaterialDetail]
    conditions: list[str]
    situations: list[SituationDetail]
    consult: list[str]
    internal: list[str]  # internal fields' values (empty in a public index)
    #: Passages a snippet is cut from, each with its folded form (None when folding changes nothing).
    snippet_sources: list[tuple[str, str | None]] = field(default_factory=list)

    def stored(self) -> dict[str, Any]:
        """Plain data, as the index keeps it."""
        return asdict(self)

    @classmethod
    def from_stored(cls, data: dict[str, Any]) -> MatterDetail:
        successor = data["successor"]
        return cls(**{**data, "department": Ref(**data["department"]), "successor": Successor(**successor) if successor else None,
                      "materials": [MaterialDetail(**x) for x in data["materials"]],
                      "situations": [SituationDetail(**s) for s in data["situations"]]})

    def to_json(self) -> dict[str, Any]:
        """The API's answer (and the console's): everything but what only searching uses."""
        data = asdict(self)
        del data["snippet_sources"]
        for s in data["situations"]:
            del s["match"]
        return data


def internal_text(obj: Any) -> Iterator[str]:
    """Values of every field marked internal, at any depth (what only the staff index carries)."""
    if isinstance(obj, BaseModel):
        for name in type(obj).model_fields:
            value = getattr(obj, name)
            if is_internal(type(obj), name) and value is not None:
                yield str(value)
            else:
                yield from internal_text(value)
    elif isinstance(obj, list):
        for v in obj:
            yield from internal_text(v)


def matter_detail(cat: Catalogue, settings: Settings, analyzer: Analyzer, m: Matter, code: str,
                  snippet_sources: list[str]) -> MatterDetail:
    dept = cat.department_of(m)
    halls = cat.halls_of(m)
    successor = cat.final_successor(m)
    return MatterDetail(
        id=m.id, title=m.name, code=code, url=settings.site_url + url_of("matter", m.id),
        short_url=short_url(settings, code), summary=m.summary, popular_names=m.popular_names,
        department=Ref(dept.id, dept.name), halls=[h.id for h in halls],
        hall_names=[h.name for h in halls], state=m.status.state.value,
        successor=Successor(successor.id, successor.name) if successor else None,
        handling_type=m.handling_type.value, promised=str(m.time_limits.promised),
        fees="不收费" if not m.fees.charged else "；".join(f"{f.name}：{f.standard}" for f in m.fees.items),
        visits=m.visits.count,
        materials=[MaterialDetail(id=x.id, name=x.name, necessity=x.necessity.value, condition=x.condition, originals=x.originals,
                                  copies=x.copies, form=[f.value for f in x.form], source=x.source, exempt=x.exempt,
                                  notes=x.notes) for x in m.materials],
        conditions=[c.text for c in m.conditions],
        situations=[_situation(settings, analyzer, m, s) for s in m.situations],
        consult=[f"{c.type.value} {c.value}" for c in m.contacts.consult],
        internal=list(internal_text(m)),
        snippet_sources=[(text, folded if folded != text else None) for text in snippet_sources for folded in [fold_chars(text)]],
    )


def _situation(settings: Settings, analyzer: Analyzer, m: Matter, s: Situation) -> SituationDetail:
    case = situations.situation_case(m, s)
    words = " ".join([s.name, s.summary or "", situations.describe(m, case.answers), *analyzer.expansions(s.name)])
    return SituationDetail(id=s.id, name=s.name, url=with_situation(settings.site_url + url_of("matter", m.id), s.id),
                           materials=[x.id for x in case.materials], match=fold_chars(words))
