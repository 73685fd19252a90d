"""Staff and hotline search: a Whoosh index of the catalogue behind a small interface (build, open, search).

Whoosh is unmaintained (toolchain.md §5), so nothing outside this module imports it; swapping the engine means
rewriting this file only. Chinese text analysis happens in `analyzer.py` and Whoosh only sees pre-cut terms, so
queries are cut with exactly the user dictionary and synonyms the documents were cut with (both are saved in
the index folder). Whoosh stores the postings, lengths and stored fields; ranking (BM25 over the posting lists)
and facet counts are computed here, because Whoosh's matcher objects do not scale to a city's catalogue and
rank nested OR queries wrongly.

Each build writes a new version folder and then repoints the `current` symlink with one rename, so a running
server keeps answering from the old version until it sees the new one.
"""

from __future__ import annotations

import hashlib
import heapq
import json
import math
import os
import queue
import re
import shutil
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator, Set
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from whoosh import index as whoosh_index
from whoosh.analysis import SpaceSeparatedTokenizer
from whoosh.fields import ID, KEYWORD, STORED, TEXT, Schema

from .. import situations
from ..model import Audience, Catalogue, load_catalogue, view
from ..model.audience import is_internal
from ..schema import CONTENT_TYPES
from ..schema.matter import Matter, State
from ..schema.situations import Situation
from ..settings import Settings, load_settings
from ..urls import short_url, url_of
from .analyzer import SYNONYMS_FILE, Analyzer, Corrector, Word, fold, fold_chars, load_rules, name_parts

CURRENT = "current"
#: Bumped when what an index folder holds changes shape; older folders are rebuilt, never read.
FORMAT = 5
MAX_QUERY_CHARS = 200
MAX_LIMIT = 100
SNIPPET_CHARS = 90
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

#: Fields a query may name (`材料:身份证`), in Chinese as staff type them and in English.
FIELDS: dict[str, tuple[str, ...]] = {
    "名称": ("title", "aliases"), "事项": ("title", "aliases"), "name": ("title", "aliases"),
    "材料": ("materials",), "material": ("materials",),
    "条件": ("conditions",), "condition": ("conditions",),
    "部门": ("department_text",), "department": ("department_text",),
    "大厅": ("hall_text",), "hall": ("hall_text",),
    "主题": ("topics",), "topic": ("topics",),
    "对象": ("audience_text",), "audience": ("audience_text",),
    "编码": ("code",), "code": ("code",),
    "内部": ("staff",), "备注": ("staff",), "staff": ("staff",),
}
#: Fields free text is looked up in (boosts in SCHEMA). `body` holds everything else once, so a word costs one
#: posting list per document rather than one per section; the sections have their own fields for `字段:` queries.
FREE_FIELDS = ("code", "title", "aliases", "summary", "body")
#: Facet name -> the keyword field it counts (the department and hall facets double as filters).
FACETS = {"department": "department", "hall": "halls", "audience": "audience"}
#: Where the weaker alternatives of a query word are looked up: the dictionary words inside it (营业, 执照 of
#: 营业执照), its synonyms, and a word of one character. Those occur in most pages' bodies; looking them up there
#: would touch most postings of the index for no better ranking.
NAME_FIELDS = ("title", "aliases", "summary")
#: Score multiplier of each kind of alternative of a query word.
EXACT, PART, SYNONYM = 1.0, 0.45, 0.8
#: BM25 parameters (Whoosh's defaults).
K1, B = 1.2, 0.75


class QueryError(ValueError):
    """A query the index cannot answer as asked (empty, too long, bad syntax, unknown field or filter). The
    message is Chinese and says what to change; servers answer it with 400."""


# --- results -------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Hit:
    id: str
    title: str
    code: str
    url: str
    short_url: str
    department: dict[str, str]
    halls: list[str]
    state: str
    score: float
    snippet: str
    highlights: list[tuple[int, int]]  # [start, end) offsets into snippet
    best_bet: bool = False
    situation: dict[str, str] | None = None  # the named case the query is about ("变更法人": 变更法定代表人)


@dataclass(frozen=True)
class FacetValue:
    id: str
    name: str
    count: int


@dataclass(frozen=True)
class Results:
    query: str
    total: int
    results: list[Hit]
    facets: dict[str, list[FacetValue]]
    did_you_mean: str | None = None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


# --- building ------------------------------------------------------------------------------------------------------
def content_fingerprint(root: Path) -> str:
    """Changes whenever a content file, the registry, site.yaml or the synonym file changes (name, size or mtime):
    cheap enough to poll, so a server can rebuild when editors save."""
    paths = [root / "site.yaml", root / "registry" / "codes.yaml", SYNONYMS_FILE]
    for ctype in CONTENT_TYPES:
        folder = root / ctype.folder
        if folder.is_dir():
            paths.extend(sorted(folder.glob("*.yaml")))
    h = hashlib.sha256()
    for p in paths:
        try:
            st = p.stat()
        except FileNotFoundError:
            continue
        h.update(f"{p}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
    return h.hexdigest()[:16]


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


def _internal_text(obj: Any) -> Iterator[str]:
    """Values of every field marked internal, at any depth (what only the staff index carries)."""
    if isinstance(obj, BaseModel):
        for name in type(obj).model_fields:
            value = getattr(obj, name)
            if is_internal(type(obj), name) and value is not None:
                yield str(value)
            else:
                yield from _internal_text(value)
    elif isinstance(obj, list):
        for v in obj:
            yield from _internal_text(v)


def _document(cat: Catalogue, settings: Settings, analyzer: Analyzer, m: Matter) -> dict[str, Any]:
    def terms(*texts: str) -> str:
        return " ".join(analyzer.tokens(" ".join(t for t in texts if t)))

    dept = cat.department_of(m)
    halls = cat.halls_of(m)
    names = " ".join(m.popular_names)
    code = cat.code_of("matter", m.id)
    steps = [f"{s.title} {s.text} " + " ".join(f"{x.title} {x.text or ''}" for x in s.substeps) for s in m.steps]
    faq = [f"{f.q} {f.a}" for f in m.faq]
    successor = cat.final_successor(m)
    detail: dict[str, Any] = {
        "id": m.id, "title": m.name, "code": code, "url": settings.site_url + url_of("matter", m.id),
        "short_url": short_url(settings, code), "summary": m.summary, "popular_names": m.popular_names,
        "department": {"id": dept.id, "name": dept.name}, "halls": [h.id for h in halls],
        "hall_names": [h.name for h in halls], "state": m.status.state.value,
        "successor": {"id": successor.id, "title": successor.name} if successor else None,
        "handling_type": m.handling_type.value, "promised": str(m.time_limits.promised),
        "fees": "不收费" if not m.fees.charged else "；".join(f"{f.name}：{f.standard}" for f in m.fees.items),
        "visits": m.visits.count,
        "materials": [{"id": x.id, "name": x.name, "necessity": x.necessity.value, "condition": x.condition, "originals": x.originals,
                       "copies": x.copies, "form": [f.value for f in x.form], "source": x.source, "exempt": x.exempt,
                       "notes": x.notes} for x in m.materials],
        "conditions": [c.text for c in m.conditions],
        "situations": [_situation(settings, analyzer, m, s) for s in m.situations],
        "consult": [f"{c.type.value} {c.value}" for c in m.contacts.consult],
        "internal": list(_internal_text(m)),
    }
    sources = [m.summary, "材料：" + "、".join(x.name for x in m.materials), *(c.text for c in m.conditions), *steps, *faq]
    detail["snippet_sources"] = [(text, folded if folded != text else None) for text in sources for folded in [fold_chars(text)]]
    sections = {
        "materials": terms(*(f"{x.name} {x.condition or ''} {x.notes or ''}" for x in m.materials)),
        "conditions": terms(*(c.text for c in m.conditions)),
        "department_text": terms(dept.name, dept.short_name),
        "hall_text": terms(*(h.name for h in halls)),
        "topics": terms(*m.topics),
        "audience_text": terms(*(a.value for a in m.audience)),
        "staff": terms(*_internal_text(m), *(s.title for s in cat.sops_for(m))),
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
        "doc": detail,
        "_boost": 1.0 if m.status.state in _LIVE else 0.5,
    }


def _situation(settings: Settings, analyzer: Analyzer, m: Matter, s: Situation) -> dict[str, Any]:
    """A named case as the console shows it: its page address and the materials it needs (the build's own case),
    and the folded words a query is matched against to say which case a hit is about."""
    case = situations.case_of(m, situations.situation_answers(s))
    words = " ".join([s.name, s.summary or "", situations.describe(m, situations.situation_answers(s)), *analyzer.expansions(s.name)])
    return {"id": s.id, "name": s.name, "url": settings.site_url + url_of("matter", m.id) + f"?s={s.id}",
            "materials": [x.id for x in case.materials], "match": fold_chars(words)}


# --- querying ------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Clause:
    """One part of a parsed query: free text, or text that must match in the named fields."""

    text: str
    fields: tuple[str, ...] = ()


_CLAUSE = re.compile(r'(?:(?P<field>[^\s:"]+):)?(?:"(?P<quoted>[^"]*)"|(?P<word>[^\s"]+))|(?P<stray>")')


def parse(query: str, staff: bool) -> list[Clause]:
    """Split `材料:身份证 "营业 执照" 补办` into clauses; raise QueryError for what cannot be meant."""
    if len(query.strip()) > MAX_QUERY_CHARS:  # before folding, which is slow on long traditional text
        raise QueryError(f"搜索词太长（{len(query.strip())} 个字），请控制在 {MAX_QUERY_CHARS} 个字以内。")
    text = fold(query).strip()
    if not text:
        raise QueryError("请输入要搜索的词。")
    clauses: list[Clause] = []
    for m in _CLAUSE.finditer(text):
        if m["stray"]:
            raise QueryError("引号没有成对：请补上另一半引号，或者去掉引号。")
        value = m["quoted"] if m["quoted"] is not None else m["word"]
        name = m["field"]
        if name is None:
            if value.endswith(":"):
                raise QueryError(f"“{value}”后面缺少要找的内容，例如 材料:身份证。")
            clauses.append(Clause(value))
            continue
        if name not in FIELDS or (FIELDS[name] == ("staff",) and not staff):
            allowed = "、".join(k for k, v in FIELDS.items() if not k.isascii() and (staff or v != ("staff",)))
            raise QueryError(f"不认识的字段“{name}”。可以用的字段：{allowed}（例如 材料:身份证、部门:税务）。")
        if not value.strip():
            raise QueryError(f"字段“{name}:”后面缺少要找的内容，例如 {name}:身份证。")
        clauses.append(Clause(value, FIELDS[name]))
    return clauses


@dataclass(frozen=True)
class Lookup:
    """One posting list a query reads: a term in a field, how much it counts, and — for a word of a fielded
    clause — which required word it stands for."""

    field: str
    text: str
    weight: float
    required: int | None = None


def _alternatives(analyzer: Analyzer, word: Word, fields: tuple[str, ...], present: Callable[[str, str], bool],
                  required: int | None) -> list[Lookup]:
    """One query word: itself in every field (in the name fields if it is one character), its synonyms and the
    dictionary words inside it in the name fields, each only where the index has it. The weights keep parts and
    synonyms below the word itself."""
    names = tuple(f for f in fields if f in NAME_FIELDS) or fields
    single = len(word.text) == 1 and not word.text.isascii()
    alternatives = [(word.text, EXACT, names if single else fields)]
    alternatives += [(syn, SYNONYM, names) for syn in sorted(analyzer.rules.related(word.text))]
    alternatives += [(p, PART, names) for p in word.parts]
    seen: set[tuple[str, str]] = set()
    lookups = []
    for text, weight, where in alternatives:
        for f in where:
            if (f, text) not in seen and present(f, text):
                seen.add((f, text))
                lookups.append(Lookup(f, text, weight, required))
    return lookups


@dataclass(frozen=True)
class Plan:
    """How a parsed query runs: the posting lists whose BM25 scores add up to a document's score, how many words
    of fielded clauses every result must match, and the words worth highlighting."""

    lookups: tuple[Lookup, ...]
    required: int
    terms: frozenset[str]


def build_query(analyzer: Analyzer, clauses: list[Clause], present: Callable[[str, str], bool]) -> Plan:
    lookups: list[Lookup] = []
    required = 0
    terms: set[str] = set()
    for clause in clauses:
        words = analyzer.words(clause.text)
        if clause.fields and not words:
            raise QueryError(f"“{clause.text}”里没有可以搜索的词。")
        for w in words:
            terms.update({w.text, *w.parts, *analyzer.rules.related(w.text)})
            lookups += _alternatives(analyzer, w, clause.fields or FREE_FIELDS, present, required if clause.fields else None)
            required += bool(clause.fields)
    return Plan(lookups=tuple(lookups), required=required, terms=frozenset(terms))


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

    def matter(self, matter_id: str) -> dict[str, Any] | None:
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
    _pool: queue.SimpleQueue = field(default_factory=queue.SimpleQueue)

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
        return self.meta["audience"] == Audience.STAFF.value

    def resolve(self, kind: str, value: str | None) -> str | None:
        """A department or hall filter given as id, full name or short name → its id; QueryError when unknown."""
        if value is None or value == "":
            return None
        table = self.meta["departments"] if kind == "department" else self.meta["halls"]
        for key, entry in table.items():
            names = (entry["name"], entry["short_name"]) if isinstance(entry, dict) else (entry,)
            if value == key or value in names:
                return key
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
            scores = self._scores(s, plan)
            facets = self._facets(scores.keys())
            for key, value in (("department", dept_id), ("hall", hall_id)):
                if value:
                    scores = {d: sc for d, sc in scores.items() if d in self.facet_docs[key].get(value, ())}
            total = len(scores)
            hits = [(s.stored_fields(d)["doc"], sc) for d, sc in heapq.nlargest(limit + len(bets), scores.items(), key=lambda ds: (ds[1], -ds[0]))]
            pinned = [d["doc"] for d in (s.document(id=i) for i in bets) if d]
        pinned = [d for d in pinned if (not dept_id or d["department"]["id"] == dept_id) and (not hall_id or hall_id in d["halls"])]
        top = max((score for _, score in hits), default=0.0)
        ranked = [(d, top + 1.0, True) for d in pinned] + [(d, sc, False) for d, sc in hits if d["id"] not in {p["id"] for p in pinned}]
        results = [self._hit(d, sc, bet, plan.terms) for d, sc, bet in ranked[:limit]]
        return Results(query=query, total=max(total, len(results)), results=results, facets=facets,
                       did_you_mean=suggestion)

    def _scores(self, s: Any, plan: Plan) -> dict[int, float]:
        """BM25 (k1 1.2, b 0.75) of every matching document, summed over the query's posting lists, keeping only
        documents that match every word of the fielded clauses. Whoosh's own matchers are Python objects per posting,
        and an OR query over a city's catalogue touches tens of thousands of postings; reading the lists directly
        avoids them. Field and document boosts are already in the stored weights."""
        reader = s.reader()
        n = reader.doc_count_all()
        scores: dict[int, float] = {}
        matched: list[set[int]] = [set() for _ in range(plan.required)]
        for lk in plan.lookups:
            df = reader.doc_frequency(lk.field, lk.text)
            idf = math.log(1 + (n - df + 0.5) / (df + 0.5))
            per_doc, mean = self.lengths[lk.field]
            for doc, weight in reader.postings(lk.field, lk.text).items_as("weight"):
                tf = weight / (weight + K1 * (1 - B + B * per_doc[doc] / mean))
                scores[doc] = scores.get(doc, 0.0) + lk.weight * idf * (K1 + 1) * tf
                if lk.required is not None:
                    matched[lk.required].add(doc)
        if matched:
            allowed = set.intersection(*matched)
            scores = {d: sc for d, sc in scores.items() if d in allowed}
        return scores

    def _facets(self, matched: Set[int]) -> dict[str, list[FacetValue]]:
        """Counts per department, hall and audience over everything the query matches before the department and
        hall filters, so staff see where else the answer may be."""
        names = {"department": {k: v["name"] for k, v in self.meta["departments"].items()}, "hall": self.meta["halls"],
                 "audience": {}}
        out = {}
        for facet, values in self.facet_docs.items():
            counts = [(value, len(matched & docs)) for value, docs in values.items()]
            out[facet] = [FacetValue(id=v, name=names[facet].get(v, v), count=n)
                          for v, n in sorted(counts, key=lambda vc: (-vc[1], vc[0])) if n]
        return out

    def matter(self, matter_id: str) -> dict[str, Any] | None:
        """Everything the console shows about one matter (summary, 一次性告知 materials, internal notes)."""
        with self._searcher() as s:
            fields = s.document(id=matter_id)
        if fields is None:
            return None
        doc = {k: v for k, v in fields["doc"].items() if k != "snippet_sources"}
        return {**doc, "situations": [{k: v for k, v in s.items() if k != "match"} for s in doc["situations"]]}

    def _hit(self, doc: dict[str, Any], score: float, best_bet: bool, terms: frozenset[str]) -> Hit:
        snippet, highlights = _snippet(doc["snippet_sources"], terms)
        return Hit(id=doc["id"], title=doc["title"], code=doc["code"], url=doc["url"], short_url=doc["short_url"],
                   department=doc["department"], halls=doc["halls"], state=doc["state"], score=round(score, 4),
                   snippet=snippet, highlights=highlights, best_bet=best_bet, situation=_about(doc["situations"], terms))


def _about(cases: list[dict[str, Any]], terms: frozenset[str]) -> dict[str, str] | None:
    """The situation whose words hold the most distinct query terms (two characters or more), if any does."""
    wanted = sorted((t for t in terms if len(t) >= 2), key=len, reverse=True)
    scored = [(len({c["match"][a:b] for a, b in _find(c["match"], wanted)}), -i, c) for i, c in enumerate(cases)]
    best = max(scored, default=None, key=lambda x: x[:2])
    return {"id": best[2]["id"], "name": best[2]["name"], "url": best[2]["url"]} if best and best[0] else None


def _snippet(sources: list[tuple[str, str | None]], terms: frozenset[str]) -> tuple[str, list[tuple[int, int]]]:
    """The passage with the most distinct query terms, cut to SNIPPET_CHARS around the first one, with the
    [start, end) offsets of every term in it. Each source comes with its folded form (None when folding changes
    nothing), made at index time."""
    wanted = sorted((t for t in terms if len(t) >= 2), key=len, reverse=True)  # single characters only add noise
    best: tuple[int, str, list[tuple[int, int]]] = (0, sources[0][0] if sources else "", [])
    for text, folded in sources:
        folded = folded or text
        spans = _find(folded, wanted)
        distinct = len({folded[a:b] for a, b in spans})
        if distinct > best[0]:
            best = (distinct, text, spans)
    _, text, spans = best
    start = max(0, spans[0][0] - 20) if spans else 0
    end = min(len(text), start + SNIPPET_CHARS)
    cut = text[start:end]
    prefix = "…" if start else ""
    suffix = "…" if end < len(text) else ""
    shift = len(prefix) - start
    return prefix + cut + suffix, [(a + shift, b + shift) for a, b in spans if a >= start and b <= end]


def _find(folded: str, terms: list[str]) -> list[tuple[int, int]]:
    """Non-overlapping occurrences, longest terms first."""
    taken = [False] * len(folded)
    spans = []
    for t in terms:
        i = folded.find(t)
        while i >= 0:
            if not any(taken[i:i + len(t)]):
                spans.append((i, i + len(t)))
                for k in range(i, i + len(t)):
                    taken[k] = True
            i = folded.find(t, i + 1)
    return sorted(spans)


# --- keeping an index in step with the content ---------------------------------------------------------------------
def default_directory(root: Path, audience: Audience) -> Path:
    """`.site-search/<audience>` in the content repository (ignored by git like the other build outputs)."""
    return root / ".site-search" / audience.value


def rebuild(root: Path, directory: Path, audience: Audience) -> Path:
    """Validate the content and index it as a new version (ContentError, and no swap, when content is invalid)."""
    fingerprint = content_fingerprint(root)
    return build_index(load_catalogue(root), load_settings(root), directory, audience, fingerprint)


def ensure_index(root: Path, directory: Path, audience: Audience, force: bool = False) -> StaffIndex:
    """The index for `root`, rebuilt first when missing, made by another version of this module, out of date with
    the content, or `force`d."""
    index = StaffIndex(directory)
    if force or current_fingerprint(directory) != content_fingerprint(root):
        rebuild(root, directory, audience)
    return index


def current_fingerprint(directory: Path) -> str | None:
    """The content fingerprint the current version was built from, read from disk (a server's loaded version may
    lag behind a swap); None for a missing index or one made by another version of this module."""
    try:
        meta = json.loads((directory / CURRENT / "meta.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return meta["fingerprint"] if meta.get("format") == FORMAT else None
