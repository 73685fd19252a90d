"""Relevance: the queries of tests/search_queries.yaml, written the way citizens type them, must find the expected
matter in the first five results — recall@5 ≥ 0.95 on staff search here, and on citizen search in
tests/test_search_citizen.py (a real browser on the built sample)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from build_tools.model import Audience
from build_tools.search.staff import StaffIndex, rebuild
from build_tools.validate import validate_tree

from .support import REPO, copy_project

QUERIES_FILE = Path(__file__).with_name("search_queries.yaml")
TARGET = 0.95
KINDS = {"口语", "繁体", "错别字", "两个词"}


@dataclass(frozen=True)
class Query:
    q: str
    expect: tuple[str, ...]
    kind: str


def load_queries() -> list[Query]:
    data = yaml.safe_load(QUERIES_FILE.read_text(encoding="utf-8"))
    return [Query(e["q"], tuple(e["expect"]), e["kind"]) for e in data["queries"]]


def recall_at_5(found: dict[str, list[str]], queries: list[Query]) -> tuple[float, list[str]]:
    """Mean share of expected matters in each query's first five results, and the queries that missed one."""
    scores, misses = [], []
    for query in queries:
        top = found[query.q][:5]
        share = sum(e in top for e in query.expect) / len(query.expect)
        scores.append(share)
        if share < 1:
            misses.append(f"{query.q} → {top} (expected {list(query.expect)})")
    return sum(scores) / len(scores), misses


def test_query_set_is_large_varied_and_names_real_matters():
    queries = load_queries()
    assert len(queries) >= 40
    assert len({q.q for q in queries}) == len(queries)
    kinds = Counter(q.kind for q in queries)
    assert set(kinds) == KINDS and min(kinds.values()) >= 5
    matters = validate_tree(REPO).parsed.matters
    assert {m for q in queries for m in q.expect} <= set(matters)


@pytest.fixture(scope="module")
def staff_index(tmp_path_factory) -> StaffIndex:
    root = copy_project(tmp_path_factory.mktemp("relevance"))
    directory = root / ".site-search" / "staff"
    rebuild(root, directory, Audience.STAFF)
    return StaffIndex(directory)


def test_staff_search_recall_at_5(staff_index):
    queries = load_queries()
    found = {q.q: [h.id for h in staff_index.search(q.q, limit=5).results] for q in queries}
    recall, misses = recall_at_5(found, queries)
    assert recall >= TARGET, "\n".join(misses)
