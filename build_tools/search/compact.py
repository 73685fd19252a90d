"""The citizen search index the browser downloads, made from the documents (documents.py) in one pass.

Chinese is indexed by character and by pair of characters (every character and every two adjacent characters
of a run of Chinese text), other words whole and by their first one and two characters. The search page
(theme/assets/search.js) cuts a query into two-character words and single characters, so every query word
is a key here: 执照 finds 营业执照 without a word list on either side, and no segmenter runs at build time.

Files, under `search/i/<id>/` (the id is a hash of the contents, so a browser never mixes two builds):

- `k/<n>.json`: for every key, the pages containing it with a ready-made score, as
  `{"社保": [page, score, page gap, score, ...]}`. A key's file is its FNV-1a hash modulo the bucket count, so
  the browser finds it without a directory. The score is BM25 (k1 1.4, b 0.75) over the weighted frequency of
  the key in the page's fields, times SCALE, rounded.
- `d/<n>.json`: what the results show — URL, title, summary, department — of pages n × DOCS_PER_FILE onwards, a
  list of DOCS_PER_FILE (a file each would be 5,000 files at 5,000 matters, and five results are shown at once).
- `f/<filter>/<n>.json`: the pages of one filter value, as gaps; the values are listed in the lexicon.

The lexicon (citizen.py) carries `{"path", "buckets", "filters"}` so the search page knows where to look.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from itertools import chain
from pathlib import Path

from .documents import TERMS, Document

#: Where the index goes, inside the site.
INDEX_DIR = Path("search") / "i"
#: BM25's term saturation and page-length weight.
K1, B = 1.4, 0.75
#: Scores are stored as integers: score × SCALE.
SCALE = 10
#: Target size of a key file before compression; the bucket count follows from it.
BUCKET_BYTES = 3000
#: Fields weighted at least this (titles, other names, synonyms, step headings) also give single-character keys.
SINGLE_FROM = TERMS
#: Results per file of d/ (about 2 KB, under 1 KB gzipped).
DOCS_PER_FILE = 16
_NOT_HAN = re.compile(r"[^\u3400-\u9fff]+")
_HAN_PAIRS = re.compile(r"(?=([\u3400-\u9fff]{2}))")  # every two adjacent Chinese characters, overlapping
_WORDS = re.compile(r"[^\W_\u3400-\u9fff]+")  # runs of other letters and digits


@dataclass(frozen=True)
class IndexInfo:
    path: str                         # "i/<id>/", relative to the lexicon
    buckets: int
    filters: dict[str, list[str]]     # filter name -> its values; f/<name>/<n>.json holds the pages of values[n]
    docs: int = DOCS_PER_FILE         # results per d/ file

    def to_json(self) -> dict:
        return {"path": self.path, "buckets": self.buckets, "filters": self.filters, "docs": self.docs}


def key_sequence(text: str) -> tuple[list[str], int]:
    """The keys of `text`, as often as they occur (in no particular order), and its length in tokens (for BM25):
    every character and character pair of its Chinese runs (NFKC, lower case), and every other word with its first
    one and two characters. Regular expressions find the characters and pairs of a whole text at once, in C, rather than
    a Python loop over its runs."""
    text = unicodedata.normalize("NFKC", text).lower()
    chars, words = list(_NOT_HAN.sub("", text)), _WORDS.findall(text)
    sequence = chars + _HAN_PAIRS.findall(text)
    for word in words:
        sequence += dict.fromkeys((word[:1], word[:2], word))
    return sequence, len(chars) + len(words)


def fnv1a(text: str, seed: int = 0x811C9DC5) -> int:
    """FNV-1a over UTF-16 code units (what JavaScript's charCodeAt gives): the same function as search.js, for the
    key files and the lexicon's Bloom filter."""
    h = seed
    data = text.encode("utf-16-le")
    for i in range(0, len(data), 2):
        h = ((h ^ (data[i] | data[i + 1] << 8)) * 16777619) & 0xFFFFFFFF
    return h


@dataclass(frozen=True)
class CompactIndex:
    info: IndexInfo
    files: dict[str, str]   # path relative to `search/` -> JSON text
    keys: frozenset[str]    # every key, for the lexicon


def build(docs: list[Document], stopwords: frozenset[str]) -> CompactIndex:
    """The index of `docs` (page n is docs[n])."""
    postings, lengths = _weighted(docs, stopwords)
    average = max(1.0, sum(lengths) / max(1, len(lengths)))
    norms = [K1 * (1 - B + B * length / average) for length in lengths]
    total = len(docs)
    encoded: dict[str, str] = {}
    for key, (pages, weights) in postings.items():
        factor = math.log((total - len(pages) + 0.5) / (len(pages) + 0.5) + 1) * (K1 + 1) * SCALE
        pairs, previous = [], 0
        for page, x in zip(pages, weights):
            pairs.append(f"{page - previous},{int(factor * x / (norms[page] + x) + 0.5) or 1}")
            previous = page
        encoded[key] = "[" + ",".join(pairs) + "]"

    buckets = max(16, sum(len(text) for text in encoded.values()) // BUCKET_BYTES)
    grouped: dict[int, list[str]] = {}
    for key in sorted(encoded):
        grouped.setdefault(fnv1a(key) % buckets, []).append(f"{json.dumps(key, ensure_ascii=False)}:{encoded[key]}")
    files = {f"k/{n}.json": "{" + ",".join(grouped.get(n, [])) + "}" for n in range(buckets)}
    shown = [{"u": doc.url, "t": doc.title, "s": doc.snippet, **({"d": doc.department} if doc.department else {})} for doc in docs]
    for n in range(0, len(shown), DOCS_PER_FILE):
        files[f"d/{n // DOCS_PER_FILE}.json"] = json.dumps(shown[n:n + DOCS_PER_FILE], ensure_ascii=False, separators=(",", ":"))
    values: dict[str, list[str]] = {}
    members: dict[tuple[str, str], list[int]] = {}
    for n, doc in enumerate(docs):
        for name, value in dict.fromkeys(doc.filters):
            members.setdefault((name, value), []).append(n)
    for name, value in sorted(members):
        values.setdefault(name, []).append(value)
        files[f"f/{name}/{len(values[name]) - 1}.json"] = _gaps(members[name, value])

    digest = hashlib.sha256()
    for rel in sorted(files):
        digest.update(rel.encode() + b"\0" + files[rel].encode("utf-8") + b"\0")
    folder = f"{INDEX_DIR.name}/{digest.hexdigest()[:10]}/"
    return CompactIndex(IndexInfo(path=folder, buckets=buckets, filters=values), {folder + rel: text for rel, text in files.items()},
                        frozenset(encoded))


class _Cut:
    """One distinct text, cut once (pages repeat most of their wording: materials, conditions, synonyms): its keys
    in order, with and without single characters, and its length."""

    def __init__(self, text: str):
        self.keys, self.length = key_sequence(text)
        self.pairs = [k for k in self.keys if len(k) > 1]

    def sequence(self, weight: int) -> list[str]:
        """Single characters are keys only from fields weighted SINGLE_FROM or more: from running text they would
        be most of the index and say little."""
        return self.keys if weight >= SINGLE_FROM else self.pairs


def _weighted(docs: list[Document], stopwords: frozenset[str]) -> tuple[dict[str, tuple[list[int], list[int]]], list[int]]:
    """key -> (its pages in order, the key's weighted frequency in each), and each page's length. A field of weight
    w counts as w copies of its keys, so one Counter (in C) counts a whole page rather than adding each weighted
    field's counts in Python. Stop words are left out (queries drop them)."""
    cuts: dict[str, _Cut] = {}
    postings: dict[str, tuple[list[int], list[int]]] = {}
    lengths = []
    for n, doc in enumerate(docs):
        sequences: list[list[str]] = []
        length = 0
        for text, weight in doc.fields:
            cut = cuts.get(text)
            if cut is None:
                cut = cuts[text] = _Cut(text)
            length += cut.length
            sequences += [cut.sequence(weight)] * weight
        lengths.append(length)
        counts = Counter(chain.from_iterable(sequences))
        for key in stopwords & counts.keys():
            del counts[key]
        for key, x in counts.items():
            entry = postings.get(key)
            if entry is None:
                postings[key] = ([n], [x])
            else:
                entry[0].append(n)
                entry[1].append(x)
    return postings, lengths


def _gaps(pages: list[int]) -> str:
    out, last = [], 0
    for page in pages:
        out.append(str(page - last))
        last = page
    return "[" + ",".join(out) + "]"
