"""The Whoosh index itself, and the only module that imports Whoosh: its schema, building a version folder and
making it current, and opening the current version to search it."""

from __future__ import annotations

import heapq
import json
import os
import queue
import shutil
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator, Set
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index
from whoosh.analysis import SpaceSeparatedTokenizer
from whoosh.fields import ID, KEYWORD, STORED, TEXT, Schema

from ...model import Audience, Catalogue, view
from ...schema.matter import Matter, State
from ...settings import Settings
from ..analyzer import SYNONYMS_FILE, Analyzer, Corrector, load_rules, name_parts
from .detail import MatterDetail, internal_text, matter_detail
from .query import MAX_LIMIT, Clause, QueryError, build_query, parse
from .results import FacetValue, Results, bm25, facet_counts, hit

CURRENT = "current"
#: Bumped when what an index folder holds changes shape; older folders are rebuilt, never read.
FORMAT = 5
#: Versions kept besides the current one, so a searcher that opened the previous version a moment before a swap
#: can finish reading it.
KEEP_OLD = 1

_TERMS = SpaceSeparatedTokenizer()
_LIVE = (State.ACTIVE, State.SUSPENDED)


def _text(boost: float = 1.0) -> TEXT:
    """Pre-cut terms, no positions (phrase queries cannot work on overlapping search-mode tokens anyway)."""
    return TEXT(analyzer=_TERMS, field_boost=boost, phrase=False)


SCHEMA = Schema(
    id=ID(stored=True, unique=True),
    code=KEYWORD(lowercase=True, field_boost=8.0, scorable=True),
    title=_text(4.0),
    aliases=_text(3.0),
    summary=_text(1.5),
    body=_text(1.0),
    materials=_text(),
    conditions=_text(),
    department_text=_text(),
    hall_text=_text(),
    topics=_text(),
    audience_text=_text(),
    staff=_text(),
    department=ID(stored=True),
    halls=KEYWORD(stored=True, commas=True),
    audience=KEYWORD(stored=True, commas=True),
    doc=STORED,
)
#: Facet name -> the keyword field it counts (the department and hall facets double as filters).
FACETS = {"department": "department", "hall": "halls", "audience": "audience"}


# --- building ------------------------------------------------------------------------------------------------------
def user_words(catalogue: Catalogue) -> list[str]:
    """The jieba user dictionary: names and popular names of matters, names of departments and halls."""
    words: list[str] = []
    for m in catalogue.matters.values():
        words += name_parts(m.name)
        for p in m.popular_names:
            words += name_parts(p)
    for d in catalogue.departments.values():
        words += name_parts(d.name) + name_parts(d.short_name)
    for h in catalogue.halls.values():
        words += name_parts(h.name)
    return list(dict.fromkeys(words))


def build_index(catalogue: Catalogue, settings: Settings, directory: Path, audience: Audience = Audience.STAFF,
                fingerprint: str = "") -> Path:
    """Index every matter of `catalogue` as `audience` sees it into a new version folder under `directory`,
    then make it current. A public index is built from the public view, so it cannot contain internal fields."""
    visible = view(catalogue, audience)
    directory.mkdir(parents=True, exist_ok=True)
    version = Path(tempfile.mkdtemp(prefix=f"v{time.strftime('%Y%m%d%H%M%S')}-", dir=directory))
    try:
        shutil.copy2(SYNONYMS_FILE, version / "synonyms.yaml")
        words = user_words(visible)
        analyzer = Analyzer(load_rules(version / "synonyms.yaml"), words)
        vocabulary: Counter[str] = Counter()
        ix = whoosh_index.create_in(str(version), SCHEMA)
        writer = ix.writer(limitmb=256)
        for m in visible.matters.values():
            fields = _document(visible, settings, analyzer, m)
            vocabulary.update(w for w in analyzer.tokens(f"{m.name} {' '.join(m.popular_names)}") if len(w) >= 3)
            writer.add_document(**fields)
        writer.commit()
        meta = {
            "format": FORMAT,
            "audience": audience.value,
            "fingerprint": fingerprint,
            "count": len(visible.matters),
            "departments": {d.id: {"name": d.name, "short_name": d.short_name} for d in visible.departments.values()},
            "halls": {h.id: h.name for h in visible.halls.values()},
        }
        lexicon = {"user_words": analyzer.user_words, "vocabulary": dict(sorted(vocabulary.items()))}
        (version / "lexicon.json").write_text(json.dumps(lexicon, ensure_ascii=False), encoding="utf-8")
        (version / "meta.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    except BaseException:
        shutil.rmtree(version, ignore_errors=True)
        raise
    _make_current(directory, version)
    return version


def _make_current(directory: Path, version: Path) -> None:
    link = directory / CURRENT
    tmp = directory / f".{CURRENT}-{version.name}"
    tmp.symlink_to(version.name)
    os.replace(tmp, link)  # atomic: readers see the old or the new version, never neither
    versions = sorted((p for p in directory.iterdir() if p.is_dir() and not p.is_symlink() and p.name.startswith("v")),
                      key=lambda p: p.stat().st_mtime)
    for old in versions[:-(KEEP_OLD + 1)]:
        if old != version:
            shutil.rmtree(old, ignore_errors=True)


def _document(cat: Catalogue, settings: Settings, analyzer: Analyzer, m: Matter) -> dict[str, Any]:
    def terms(*texts: str) -> str:
        return " ".join(analyzer.tokens(" ".join(t for t in texts if t)))

    dept = cat.department_of(m)
    halls = cat.halls_of(m)
    names = " ".join(m.popular_names)
    code = cat.code_of("matter", m.id)
    steps = [f"{s.title} {s.text} " + " ".join(f"{x.title} {x.text or ''}" for x in s.substeps) for s in m.steps]
    faq = [f"{f.q} {f.a}" for f in m.faq]
    sources = [m.summary, "材料：" + "、".join(x.name for x in m.materials), *(c.text for c in m.conditions), *steps, *faq]
    detail = matter_detail(cat, settings, analyzer, m, code, sources)
    sections = {
        "materials": terms(*(f"{x.name} {x.condition or ''} {x.notes or ''}" for x in m.materials)),
        "conditions": terms(*(c.text for c in m.conditions)),
        "department_text": terms(dept.name, dept.short_name),
        "hall_text": terms(*(h.name for h in halls)),
        "topics": terms(*m.topics),
        "audience_text": terms(*(a.value for a in m.audience)),
        "staff": terms(*internal_text(m), *(s.title for s in cat.sops_for(m))),
    }
    content = terms(*steps, *faq, m.review_standard, m.result.name, m.matter_type.value,
                    *(" ".join(filter(None, (b.title, b.doc_no, b.article))) for b in m.legal_basis), m.hours or "", m.place_note or "")
    return {
        "id": m.id,
        "code": f"{code} {m.codes.implementation} {m.codes.catalog}",
        "title": terms(m.name),
        "aliases": terms(names, *analyzer.expansions(f"{m.name} {names}"), *(s.name for s in m.situations)),
        "summary": terms(m.summary),
        **sections,
        "body": " ".join([*sections.values(), content]),
        "department": dept.id,
        "halls": ",".join(h.id for h in halls),
        "audience": ",".join(a.value for a in m.audience),
        "doc": detail.stored(),
        "_boost": 1.0 if m.status.state in _LIVE else 0.5,
    }


# --- searching -----------------------------------------------------------------------------------------------------
class StaffIndex:
    """The current version of an index folder. When a rebuild swaps in a new version, the first request to notice
    opens it while other requests go on answering from the old one."""

    def __init__(self, directory: Path):
        self.directory = directory
        self._opening = threading.Lock()
        self._loaded: _Version | None = None

    def version(self) -> _Version:
        target = os.readlink(self.directory / CURRENT)
        loaded = self._loaded
        if loaded is not None and loaded.name == target:
            return loaded
        if not self._opening.acquire(blocking=loaded is None):
            assert loaded is not None  # a first opening waits for the lock
            return loaded  # another request is opening the new version; keep answering from this one
        try:
            if self._loaded is None or self._loaded.name != target:
                self._loaded = _Version.open(self.directory / target)
            return self._loaded
        finally:
            self._opening.release()

    def search(self, query: str, limit: int = 10, department: str | None = None, hall: str | None = None) -> Results:
        return self.version().search(query, limit, department, hall)

    def matter(self, matter_id: str) -> MatterDetail | None:
        return self.version().matter(matter_id)


@dataclass
class _Version:
    name: str
    ix: Any
    analyzer: Analyzer
    corrector: Corrector
    meta: dict[str, Any]
    facet_docs: dict[str, dict[str, frozenset[int]]]
    lengths: dict[str, tuple[list[int], float]]  # field -> (terms in each document, mean)
    _pool: queue.SimpleQueue[Any] = field(default_factory=queue.SimpleQueue)

    @classmethod
    def open(cls, path: Path) -> _Version:
        meta = json.loads((path / "meta.json").read_text(encoding="utf-8"))
        lexicon = json.loads((path / "lexicon.json").read_text(encoding="utf-8"))
        analyzer = Analyzer(load_rules(path / "synonyms.yaml"), lexicon["user_words"])
        vocabulary = dict(lexicon["vocabulary"])
        for group in analyzer.rules.synonyms:
            for w in group:
                vocabulary.setdefault(w, 1)
        ix = whoosh_index.open_dir(str(path))
        with ix.reader() as reader:
            facet_docs = {facet: {value.decode() if isinstance(value, bytes) else value: frozenset(reader.postings(fieldname, value).all_ids())
                                  for value in reader.lexicon(fieldname)}
                          for facet, fieldname in FACETS.items()}
            docs = range(reader.doc_count_all())
            lengths = {}
            for name, fieldtype in SCHEMA.items():
                if fieldtype.scorable:
                    per_doc = [reader.doc_field_length(d, name) or 0 for d in docs]
                    lengths[name] = (per_doc, max(1.0, sum(per_doc) / max(1, len(per_doc))))
        return cls(path.name, ix, analyzer, Corrector(vocabulary), meta, facet_docs, lengths)

    @contextmanager
    def _searcher(self) -> Iterator[Any]:
        """A pooled searcher: Whoosh searchers must not be shared between threads, and opening one per request
        would cost more than the search."""
        try:
            s = self._pool.get_nowait()
        except queue.Empty:
            s = self.ix.searcher()
        try:
            yield s
        finally:
            self._pool.put(s)

    @property
    def staff(self) -> bool:
        return bool(self.meta["audience"] == Audience.STAFF.value)

    def resolve(self, kind: str, value: str | None) -> str | None:
        """A department or hall filter given as id, full name or short name → its id; QueryError when unknown."""
        if value is None or value == "":
            return None
        table = self.meta["departments"] if kind == "department" else self.meta["halls"]
        for key, entry in table.items():
            names = (entry["name"], entry["short_name"]) if isinstance(entry, dict) else (entry,)
            if value == key or value in names:
                return str(key)
        label = "部门" if kind == "department" else "大厅"
        raise QueryError(f"没有这个{label}：“{value}”。可以用的{label} id：{'、'.join(table)}。")

    def search(self, query: str, limit: int, department: str | None, hall: str | None) -> Results:
        if not 1 <= limit <= MAX_LIMIT:
            raise QueryError(f"结果条数应在 1 到 {MAX_LIMIT} 之间。")
        dept_id, hall_id = self.resolve("department", department), self.resolve("hall", hall)
        clauses = parse(query, self.staff)
        suggestion = self.corrector.suggest(self.analyzer, " ".join(c.text for c in clauses if not c.fields))
        if suggestion:
            clauses = clauses + [Clause(suggestion)]
        with self._searcher() as s:
            reader = s.reader()
            plan = build_query(self.analyzer, clauses, lambda f, t: (f, t) in reader)
            bets = self.analyzer.best_bets(query)
            if not plan.terms and not bets:
                raise QueryError("搜索词里只有“怎么、办理”之类的常用字，请写出要办的事，例如 营业执照、上户口。")
            scores = bm25(reader, plan, self.lengths)
            facets = self._facets(scores.keys())
            for key, value in (("department", dept_id), ("hall", hall_id)):
                if value:
                    scores = {d: sc for d, sc in scores.items() if d in self.facet_docs[key].get(value, ())}
            total = len(scores)
            hits = [(MatterDetail.from_stored(s.stored_fields(d)["doc"]), sc)
                    for d, sc in heapq.nlargest(limit + len(bets), scores.items(), key=lambda ds: (ds[1], -ds[0]))]
            pinned = [MatterDetail.from_stored(d["doc"]) for d in (s.document(id=i) for i in bets) if d]
        pinned = [d for d in pinned if (not dept_id or d.department.id == dept_id) and (not hall_id or hall_id in d.halls)]
        top = max((score for _, score in hits), default=0.0)
        ranked = [(d, top + 1.0, True) for d in pinned] + [(d, sc, False) for d, sc in hits if d.id not in {p.id for p in pinned}]
        results = [hit(d, sc, bet, plan.terms) for d, sc, bet in ranked[:limit]]
        return Results(query=query, total=max(total, len(results)), results=results, facets=facets,
                       did_you_mean=suggestion)

    def _facets(self, matched: Set[int]) -> dict[str, list[FacetValue]]:
        """Counts per department, hall and audience over everything the query matches before the department and
        hall filters, so staff see where else the answer may be."""
        names = {"department": {k: v["name"] for k, v in self.meta["departments"].items()}, "hall": self.meta["halls"],
                 "audience": {}}
        return facet_counts(self.facet_docs, names, matched)

    def matter(self, matter_id: str) -> MatterDetail | None:
        """Everything the console shows about one matter (summary, 一次性告知 materials, internal notes)."""
        with self._searcher() as s:
            fields = s.document(id=matter_id)
        return None if fields is None else MatterDetail.from_stored(fields["doc"])
