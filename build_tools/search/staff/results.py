"""Scoring and presenting what a query matched: BM25 over the posting lists a plan names, facet counts, and each
hit with its snippet, highlights and the situation it is about. Reads an index reader it is handed (posting lists,
document frequencies) and imports no engine."""

from __future__ import annotations

import math
from collections.abc import Set
from dataclasses import asdict, dataclass
from typing import Any

from .detail import MatterDetail, SituationDetail
from .query import Plan

SNIPPET_CHARS = 90
#: BM25 parameters (Whoosh's defaults).
K1, B = 1.2, 0.75


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


def bm25(reader: Any, plan: Plan, lengths: dict[str, tuple[list[int], float]]) -> dict[int, float]:
    """BM25 (k1 1.2, b 0.75) of every matching document, summed over the query's posting lists, keeping only
    documents that match every word of the fielded clauses. Whoosh's own matchers are Python objects per posting,
    and an OR query over a city's catalogue touches tens of thousands of postings; reading the lists directly
    avoids them. Field and document boosts are already in the stored weights. `lengths`: field -> (terms in each
    document, mean)."""
    n = reader.doc_count_all()
    scores: dict[int, float] = {}
    matched: list[set[int]] = [set() for _ in range(plan.required)]
    for lk in plan.lookups:
        df = reader.doc_frequency(lk.field, lk.text)
        idf = math.log(1 + (n - df + 0.5) / (df + 0.5))
        per_doc, mean = lengths[lk.field]
        for doc, weight in reader.postings(lk.field, lk.text).items_as("weight"):
            tf = weight / (weight + K1 * (1 - B + B * per_doc[doc] / mean))
            scores[doc] = scores.get(doc, 0.0) + lk.weight * idf * (K1 + 1) * tf
            if lk.required is not None:
                matched[lk.required].add(doc)
    if matched:
        allowed = set.intersection(*matched)
        scores = {d: sc for d, sc in scores.items() if d in allowed}
    return scores


def facet_counts(facet_docs: dict[str, dict[str, frozenset[int]]], names: dict[str, dict[str, str]],
                 matched: Set[int]) -> dict[str, list[FacetValue]]:
    """Counts per facet value over the documents matched, largest first; `names` gives a value's label."""
    out = {}
    for facet, values in facet_docs.items():
        counts = [(value, len(matched & docs)) for value, docs in values.items()]
        out[facet] = [FacetValue(id=v, name=names[facet].get(v, v), count=n)
                      for v, n in sorted(counts, key=lambda vc: (-vc[1], vc[0])) if n]
    return out


def hit(doc: MatterDetail, score: float, best_bet: bool, terms: frozenset[str]) -> Hit:
    snippet, highlights = _snippet(doc.snippet_sources, terms)
    return Hit(id=doc.id, title=doc.title, code=doc.code, url=doc.url, short_url=doc.short_url,
               department=asdict(doc.department), halls=doc.halls, state=doc.state, score=round(score, 4),
               snippet=snippet, highlights=highlights, best_bet=best_bet, situation=_about(doc.situations, terms))


def _about(cases: list[SituationDetail], terms: frozenset[str]) -> dict[str, str] | None:
    """The situation whose words hold the most distinct query terms (two characters or more), if any does."""
    wanted = sorted((t for t in terms if len(t) >= 2), key=len, reverse=True)
    scored = [(len({c.match[a:b] for a, b in _find(c.match, wanted)}), -i, c) for i, c in enumerate(cases)]
    best = max(scored, default=None, key=lambda x: x[:2])
    return {"id": best[2].id, "name": best[2].name, "url": best[2].url} if best and best[0] else None


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
