"""Citizen search on the static site: the index and the lexicon the search page reads, made from the model.

documents.py says what is indexed, compact.py writes the index; this module adds `search/lexicon.json`, what the
search page (theme/assets/search.js) needs to treat a query the way the index treated the pages: traditional →
simplified for the characters the site uses, stop words, the two-character words the pages contain (so a query
is cut into the same pairs the index holds), synonym groups, best bets, and where the index is. The lexicon is
about 7 KB gzipped and fetched only when a citizen searches. Nothing here reads the built pages, so the index is
made beside them (a by-product of the build, like the exports).
"""

from __future__ import annotations

import base64
import json
from collections.abc import Set as AbstractSet
from pathlib import Path

from ..model import Catalogue
from .analyzer import Rules, load_rules, name_parts, t2s_chars, two_character_words
from .compact import build as build_index
from .compact import fnv1a
from .documents import Document, documents

#: Bloom filter of the two-character words the index knows: 8 bits a word and 5 hashes (about 2 % false positives).
BITS_PER_WORD, HASHES = 8, 5
#: Where the query-side lexicon is written, next to the search page.
LEXICON = Path("search") / "lexicon.json"


def citizen_search_files(cat: Catalogue) -> dict[str, bytes]:
    """The lexicon and the compact index of `cat`, by path in the site."""
    rules = load_rules()
    docs = documents(cat, rules)
    index = build_index(docs, rules.stopwords)
    known = two_character_words(rules, [part for m in cat.live_matters() for name in (m.name, *m.popular_names) for part in name_parts(name)])
    chars = {k for k in index.keys if len(k) == 1 and "\u3400" <= k <= "\u9fff"}
    words = index.keys & known
    files = {f"search/{rel}": text.encode("utf-8") for rel, text in index.files.items()}
    files[LEXICON.as_posix()] = json.dumps(lexicon(rules, chars, words, docs, index.info.to_json()), ensure_ascii=False,
                                           separators=(",", ":")).encode("utf-8")
    return files


def lexicon(rules: Rules, chars: set[str], words: AbstractSet[str], docs: list[Document], index: dict | None = None) -> dict:
    """What the search page needs to cut a query the way the index cut the pages: traditional → simplified for the
    characters the site uses (a pair string, two characters per mapping), stop words, the two-character words
    the pages contain (a Bloom filter), synonym groups and best bets; and where compact.py put the index."""
    used = chars | {c for g in rules.synonyms for w in g for c in w}
    t2s = "".join(t + s for t, s in sorted(t2s_chars().items()) if s in used and len(t) == 1)
    by_id = {d.matter: d for d in docs if d.matter and not d.situation}
    bets = {phrase: [{"url": by_id[i].url, "title": by_id[i].title} for i in ids if i in by_id]
            for phrase, ids in rules.best_bets.items()}
    return {"t2s": t2s, "stop": sorted(rules.stopwords), "words": bloom(words), "synonyms": [sorted(g) for g in rules.synonyms],
            "bets": {k: v for k, v in bets.items() if v}, "index": index}


def bloom(words: AbstractSet[str]) -> dict:
    """A Bloom filter the browser can test (theme/assets/search.js implements the same hashes)."""
    size = max(64, -(-len(words) * BITS_PER_WORD // 8) * 8)
    bits = bytearray(size // 8)
    for w in words:
        a, b = fnv1a(w), fnv1a(w, 0x9747B28C) | 1
        for i in range(HASHES):
            bit = ((a + i * b) & 0xFFFFFFFF) % size
            bits[bit >> 3] |= 1 << (bit & 7)
    return {"bits": base64.b64encode(bytes(bits)).decode("ascii"), "k": HASHES}
