"""The resolved catalogue: every object by id, plus the reverse links pages need (what can I do at this hall,
which SOPs and scenario guides mention this matter, which matters this one replaced)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

from .. import situations
from ..load.gitdates import FileDates
from ..load.registry import Entry
from ..schema import Department, Guide, Hall, Matter, Sop
from ..schema.matter import MatterLink, Scope, State
from ..schema.place import HallType
from ..validate import Parsed


@dataclass(eq=False)  # compared and hashed by identity: caches are kept per catalogue, and field equality was quadratic
class Catalogue:
    departments: dict[str, Department]
    halls: dict[str, Hall]
    matters: dict[str, Matter]
    sops: dict[str, Sop]
    guides: dict[str, Guide]
    sources: dict[tuple[str, str], str] = field(default_factory=dict)
    codes: dict[str, Entry] = field(default_factory=dict)
    file_dates: dict[str, FileDates] = field(default_factory=dict)
    _sops_by_matter: dict[str, list[Sop]] = field(default_factory=lambda: defaultdict(list))
    _guides_by_matter: dict[str, list[Guide]] = field(default_factory=lambda: defaultdict(list))
    _predecessors: dict[str, list[Matter]] = field(default_factory=lambda: defaultdict(list))
    _links_to: dict[str, list[tuple[Matter, MatterLink]]] = field(default_factory=lambda: defaultdict(list))
    _halls_of: dict[str, list[Hall]] = field(default_factory=dict, init=False, repr=False)  # computed once: never changes
    _matters_at: dict[str, list[Matter]] | None = field(default=None, init=False, repr=False)
    # Indexes made on first use: list pages ask for them dozens of times, and a catalogue does not change once built.
    _live: list[Matter] | None = field(default=None, init=False, repr=False)
    _matters_of: dict[str, list[Matter]] | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        for sop in self.sops.values():
            if sop.matter:
                self._sops_by_matter[sop.matter].append(sop)
        for guide in self.guides.values():
            for mid in {m for step in guide.steps for m in step.matters}:
                self._guides_by_matter[mid].append(guide)
        for m in self.matters.values():
            if m.status.successor:
                self._predecessors[m.status.successor].append(m)
            for link in m.links:
                self._links_to[link.matter].append((m, link))
        self._code_of = {(e.kind, e.id): code for code, e in self.codes.items()}

    def code_of(self, kind: str, id: str) -> str:
        return self._code_of[(kind, id)]

    def dates_of(self, kind: str, id: str) -> FileDates | None:
        """First and last commit of the object's file; None without git or before the file is committed."""
        return self.file_dates.get(self.sources.get((kind, id), ""))

    # --- what a matter page needs -------------------------------------------------------------
    def department_of(self, m: Matter) -> Department:
        return self.departments[m.authority.body]

    def halls_of(self, m: Matter) -> list[Hall]:
        """Halls with a window for the matter; 全区通办 matters can also be handled at every street hall of the
        district (全市/全国通办 means other cities' halls too, which this catalogue does not list)."""
        found = self._halls_of.get(m.id)
        if found is None:
            ids = list(m.channels.window.halls) if m.channels.window else []
            if m.scope is Scope.DISTRICT and ids:
                ids += [h.id for h in self.halls.values() if h.type is HallType.STREET and h.id not in ids]
            found = self._halls_of[m.id] = [self.halls[h] for h in ids]
        return found

    def sops_for(self, m: Matter) -> list[Sop]:
        return self._sops_by_matter.get(m.id, [])

    def guides_for(self, m: Matter) -> list[Guide]:
        return self._guides_by_matter.get(m.id, [])

    def links_to(self, m: Matter) -> list[tuple[Matter, MatterLink]]:
        """Other matters' typed links to `m` (a page shows both directions)."""
        return [(other, link) for other, link in self._links_to.get(m.id, []) if other.id in self.matters]

    def predecessors(self, m: Matter) -> list[Matter]:
        return self._predecessors.get(m.id, [])

    def final_successor(self, m: Matter) -> Matter | None:
        """Follow merged/delegated chains to the matter that is handled today."""
        seen = {m.id}
        current = m
        while current.status.successor and current.status.successor not in seen:
            seen.add(current.status.successor)
            current = self.matters[current.status.successor]
        return current if current is not m else None

    def has_guide_page(self, m: Matter) -> bool:
        """A matter one can apply for (or suspended) has its 办事攻略; a cancelled one has a tombstone instead, and a
        merged or delegated one a page leading to its successor."""
        if m.status.state is State.CANCELLED:
            return False
        return not (m.status.state in (State.MERGED, State.DELEGATED) and self.final_successor(m))

    @staticmethod
    def material_counts(m: Matter) -> situations.Counts:
        """What everyone must bring (the 全部情形 view): a 按情形 material counts as conditional."""
        return situations.counts(situations.everything(m), decided=False)

    # --- indexes ---------------------------------------------------------------------------
    def live_matters(self) -> list[Matter]:
        """Matters a citizen can still apply for (in the indexes and search)."""
        if self._live is None:
            self._live = [m for m in self.matters.values() if m.status.state in (State.ACTIVE, State.SUSPENDED)]
        return self._live

    def matters_at(self, hall: Hall) -> list[Matter]:
        if self._matters_at is None:
            self._matters_at = defaultdict(list)
            for m in self.live_matters():
                for h in self.halls_of(m):
                    self._matters_at[h.id].append(m)
        return self._matters_at.get(hall.id, [])

    def matters_of(self, dept: Department) -> list[Matter]:
        if self._matters_of is None:
            self._matters_of = defaultdict(list)
            for m in self.live_matters():
                self._matters_of[m.authority.body].append(m)
        return self._matters_of.get(dept.id, [])

    def by_key(self, key: Callable[[Matter], Any]) -> dict[str, list[Matter]]:
        """Group live matters by a key function that returns one value or several (audience, topics)."""
        groups: dict[str, list[Matter]] = defaultdict(list)
        for m in self.live_matters():
            values = key(m)
            for v in values if isinstance(values, Iterable) and not isinstance(values, str) else [values]:
                groups[str(v)].append(m)
        return dict(sorted(groups.items()))


def build_catalogue(parsed: Parsed, file_dates: dict[str, FileDates] | None = None) -> Catalogue:
    def objs(table: dict[str, tuple[Any, Any]]) -> dict[str, Any]:
        return {k: v[1] for k, v in sorted(table.items())}

    sources = {}
    for kind, table in (("matter", parsed.matters), ("sop", parsed.sops), ("guide", parsed.guides), ("hall", parsed.halls), ("department", parsed.departments)):
        for key, (doc, _obj) in table.items():
            sources[(kind, key)] = doc.path
    return Catalogue(
        departments=objs(parsed.departments),
        halls=objs(parsed.halls),
        matters=objs(parsed.matters),
        sops=objs(parsed.sops),
        guides=objs(parsed.guides),
        sources=sources,
        codes=dict(sorted(parsed.codes.items())),
        file_dates=file_dates or {},
    )
