"""Staff and hotline search: a Whoosh index of the catalogue behind a small interface (build, open, search).

Whoosh is unmaintained (toolchain.md §5), so only `index.py` imports it; swapping the engine means rewriting that
module only. Chinese text analysis happens in `../analyzer.py` and Whoosh only sees pre-cut terms, so queries are
cut with exactly the user dictionary and synonyms the documents were cut with (both are saved in the index
folder). Whoosh stores the postings, lengths and stored fields; ranking (BM25 over the posting lists) and facet
counts are computed in `results.py`, because Whoosh's matcher objects do not scale to a city's catalogue and rank
nested OR queries wrongly. `query.py` parses a query into the posting lists it reads, `detail.py` is what the
console shows about one matter, and `fresh.py` keeps an index in step with the content.

Each build writes a new version folder and then repoints the `current` symlink with one rename, so a running
server keeps answering from the old version until it sees the new one.
"""

from __future__ import annotations

from .detail import MaterialDetail, MatterDetail, Ref, SituationDetail, Successor
from .fresh import content_fingerprint, current_fingerprint, default_directory, ensure_index, rebuild
from .index import CURRENT, FACETS, FORMAT, KEEP_OLD, SCHEMA, StaffIndex, build_index, user_words
from .query import (
    EXACT,
    FIELDS,
    FREE_FIELDS,
    MAX_LIMIT,
    MAX_QUERY_CHARS,
    NAME_FIELDS,
    PART,
    SYNONYM,
    Clause,
    Lookup,
    Plan,
    QueryError,
    build_query,
    parse,
)
from .results import K1, SNIPPET_CHARS, B, FacetValue, Hit, Results

__all__ = [
    "B", "CURRENT", "EXACT", "FACETS", "FIELDS", "FORMAT", "FREE_FIELDS", "K1", "KEEP_OLD", "MAX_LIMIT", "MAX_QUERY_CHARS",
    "NAME_FIELDS", "PART", "SCHEMA", "SNIPPET_CHARS", "SYNONYM", "Clause", "FacetValue", "Hit", "Lookup", "MaterialDetail",
    "MatterDetail", "Plan", "QueryError", "Ref", "Results", "SituationDetail", "StaffIndex", "Successor", "build_index",
    "build_query", "content_fingerprint", "current_fingerprint", "default_directory", "ensure_index", "parse", "rebuild",
    "user_words",
]
