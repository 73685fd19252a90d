"""A staff query → the posting lists it reads: parsing `材料:身份证 "营业 执照" 补办` into clauses, and the plan of
which terms in which fields count how much (no index needed: the caller says which terms the index has)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from ..analyzer import Analyzer, Word, fold

MAX_QUERY_CHARS = 200
MAX_LIMIT = 100

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
#: Fields free text is looked up in (boosts in index.SCHEMA). `body` holds everything else once, so a word costs one
#: posting list per document rather than one per section; the sections have their own fields for `字段:` queries.
FREE_FIELDS = ("code", "title", "aliases", "summary", "body")
#: Where the weaker alternatives of a query word are looked up: the dictionary words inside it (营业, 执照 of
#: 营业执照), its synonyms, and a word of one character. Those occur in most pages' bodies; looking them up there
#: would touch most postings of the index for no better ranking.
NAME_FIELDS = ("title", "aliases", "summary")
#: Score multiplier of each kind of alternative of a query word.
EXACT, PART, SYNONYM = 1.0, 0.45, 0.8


class QueryError(ValueError):
    """A query the index cannot answer as asked (empty, too long, bad syntax, unknown field or filter). The
    message is Chinese and says what to change; servers answer it with 400."""


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
