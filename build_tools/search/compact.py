"""The citizen search index the browser downloads: Pagefind's index, re-cut to fit the download budget (issue #8).

Pagefind (extended build) reads the built pages: what is indexed (`data-pagefind-body`, excluded selectors),
Chinese segmentation, weights (headings, the weighted search-terms paragraph), filters and result metadata all
come from it. Its own browser side does not fit the budget at 5,000 matters: before the first result it needs
its WebAssembly module (66 KB gzip), its JavaScript (13 KB) and a metadata file that lists every page's fragment
hash (40 KB), then an index chunk of about 20 KB per query word, because Pagefind cuts chunks by postings count
and a common word such as 社保 (in 2,858 of 5,143 pages) fills one on its own with its word positions.

So this module reads Pagefind's output once, at build time, and writes what theme/assets/search.js needs, under
`search/i/<id>/` (the id is a hash of the contents, so a browser never mixes two builds):

- `k/<n>.json`: for every key a query can use — the first character and the first two characters of every
  indexed word, and whole words that are not Chinese — the pages containing it with a ready-made score, as
  `{"社保": [page, score, page gap, score, ...]}`. A key's file is its FNV-1a hash modulo the bucket count, so
  the browser finds it without a directory. The score follows Pagefind's ranking (BM25 over its weighted term
  frequency with its defaults k1 1.4, b 0.75, and its bonus for words close in length to the key; a match in the
  page title's metadata counts as an occurrence of weight META_WEIGHT, an approximation of Pagefind 1.5's
  metadata boost), computed here once, times SCALE, rounded. Positions are not kept: nothing shows Pagefind's
  excerpts (a matter shows its summary).
- `d/<page>.json`: what a result shows — URL, title, a matter's summary or the opening words of another page,
  the department.
- `f/<filter>/<n>.json`: the pages of one filter value, as gaps; the values are listed in the lexicon.

The lexicon (citizen.py) carries `{"path", "buckets", "filters"}` so the search page knows where to look. The
format read is Pagefind 1.5.2's (CBOR metadata, index and filter chunks, gzip; JSON fragments); another
version stops the build with a message instead of writing a wrong index.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import math
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

#: The Pagefind release whose index format this module reads.
PAGEFIND_VERSION = "1.5.2"
#: Where the index goes, inside the site.
INDEX_DIR = Path("search") / "i"
#: Pagefind's ranking defaults (term saturation k1, page length b, term similarity) and its weight unit.
K1, B, SIMILARITY, WEIGHT_UNIT = 1.4, 0.75, 1.0, 24
#: Weight of a match in a page's metadata (its title as one token): Pagefind's default title weight.
META_WEIGHT = 5.0
#: Scores are stored as integers: score × SCALE.
SCALE = 10
#: Target size of a key file before compression; the bucket count follows from it.
BUCKET_BYTES = 3000
#: Characters of a non-matter page's text shown under its title.
SNIPPET_CHARS = 90
_HAN = re.compile(r"[\u3400-\u9fff]")
_SIGNATURE = b"pagefind_dcd"


class CompactIndexError(RuntimeError):
    """Pagefind's output is missing or in a format this module does not read."""


@dataclass(frozen=True)
class IndexInfo:
    path: str                         # "i/<id>/", relative to the lexicon
    buckets: int
    filters: dict[str, list[str]]     # filter name -> its values; f/<name>/<n>.json holds the pages of values[n]

    def to_json(self) -> dict:
        return {"path": self.path, "buckets": self.buckets, "filters": self.filters}


# --- reading Pagefind's files --------------------------------------------------------------------------------------
def _payload(path: Path) -> bytes:
    data = path.read_bytes()
    if not data.startswith(_SIGNATURE):
        data = gzip.decompress(data)
    if not data.startswith(_SIGNATURE):
        raise CompactIndexError(f"{path}: not a Pagefind file")
    return data


def _decode(data: bytes, i: int) -> tuple[object, int]:
    """One CBOR item (the subset Pagefind writes: integers, text, definite arrays) and the offset after it."""
    b = data[i]
    major, info = b >> 5, b & 31
    i += 1
    if info < 24:
        n = info
    elif info == 24:
        n = data[i]
        i += 1
    elif info == 25:
        n = int.from_bytes(data[i:i + 2], "big")
        i += 2
    elif info == 26:
        n = int.from_bytes(data[i:i + 4], "big")
        i += 4
    elif info == 27:
        n = int.from_bytes(data[i:i + 8], "big")
        i += 8
    else:
        raise CompactIndexError(f"unexpected CBOR item {b:#x}")
    if major == 0:
        return n, i
    if major == 1:
        return -1 - n, i
    if major == 3:
        return data[i:i + n].decode("utf-8"), i + n
    if major == 4:
        items = []
        for _ in range(n):
            item, i = _decode(data, i)
            items.append(item)
        return items, i
    raise CompactIndexError(f"unexpected CBOR major type {major}")


def _load(path: Path) -> object:
    data = _payload(path)
    return _decode(data, len(_SIGNATURE))[0]


def _words(path: Path):
    """The words of an index chunk: (word, [(page, weighted body frequency, metadata matches), ...]).

    A chunk is [[ [word, [[page gap, [locations], [metadata locations]], ...], [...]], ... ]]; a negative
    location -(w + 1) sets the weight w (in 1/24) of the locations after it. Decoded by hand: a 5,000-matter
    index has about twelve million items."""
    data = _payload(path)
    i = len(_SIGNATURE)

    def head(i: int) -> tuple[int, int, int]:
        b = data[i]
        info = b & 31
        if info < 24:
            return b >> 5, info, i + 1
        if info == 24:
            return b >> 5, data[i + 1], i + 2
        if info == 25:
            return b >> 5, (data[i + 1] << 8) | data[i + 2], i + 3
        if info == 26:
            return b >> 5, int.from_bytes(data[i + 1:i + 5], "big"), i + 5
        raise CompactIndexError(f"{path}: unexpected CBOR item {b:#x}")

    _, _, i = head(i)                      # [ words ]
    _, n_words, i = head(i)
    for _ in range(n_words):
        _, _, i = head(i)                  # [word, pages, extra]
        _, length, i = head(i)
        word = data[i:i + length].decode("utf-8")
        i += length
        _, n_pages, i = head(i)
        pages = []
        page = 0
        for _ in range(n_pages):
            _, _, i = head(i)              # [gap, locations, metadata locations]
            _, gap, i = head(i)
            page += gap
            _, n_locs, i = head(i)
            weight, total = WEIGHT_UNIT, 0
            for _ in range(n_locs):
                major, value, i = head(i)
                if major == 1:
                    weight = value         # -(value + 1) encodes weight value
                else:
                    total += weight
            _, n_meta, i = head(i)
            meta = 0
            for _ in range(n_meta):
                major, _, i = head(i)
                meta += major == 0
            pages.append((page, total / WEIGHT_UNIT, meta))
        _, i = _decode(data, i)            # the word's own extra list (empty in 1.5.2)
        yield word, pages


# --- scoring -------------------------------------------------------------------------------------------------------
def length_bonus(word: str, key: str) -> float:
    """Pagefind's preference for words close in length (UTF-8 bytes) to what was searched."""
    differential = abs(len(word.encode("utf-8")) - len(key.encode("utf-8"))) + 1
    base = math.exp(-0.5 * differential ** 2 / 4.0)
    return math.exp(base * SIMILARITY) / math.exp(SIMILARITY)


def keys_of(word: str) -> list[str]:
    """The query words that find `word`: its first one and two characters (search.js sends Chinese as words of one
    or two characters), and the whole word when it is not Chinese (numbers, codes)."""
    keys = [word[:1]]
    if len(word) > 1:
        keys.append(word[:2])
    if len(word) > 2 and not _HAN.match(word):
        keys.append(word)
    return keys


def fnv1a(text: str) -> int:
    """FNV-1a over UTF-16 code units: the same function as search.js (and as the lexicon's Bloom filter)."""
    h = 0x811C9DC5
    data = text.encode("utf-16-le")
    for i in range(0, len(data), 2):
        h = ((h ^ (data[i] | data[i + 1] << 8)) * 16777619) & 0xFFFFFFFF
    return h


# --- writing -------------------------------------------------------------------------------------------------------
def build(site: Path) -> IndexInfo:
    """Read `site/pagefind/`, write `site/search/i/<id>/` (removing older ids) and return where it is."""
    pagefind = site / "pagefind"
    try:
        entry = json.loads((pagefind / "pagefind-entry.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise CompactIndexError(f"no Pagefind index in {pagefind}: {e}") from e
    if entry.get("version") != PAGEFIND_VERSION:
        raise CompactIndexError(f"Pagefind {entry.get('version')} wrote {pagefind}; build_tools/search/compact.py reads "
                                f"the index format of Pagefind {PAGEFIND_VERSION} (constraints.txt): check the format and "
                                f"update the module before upgrading")
    language = max(entry["languages"].values(), key=lambda lang: lang["page_count"])
    meta = _load(pagefind / f"pagefind.{language['hash']}.pf_meta")
    _version, pages, chunks, filters = meta[0], meta[1], meta[2], meta[3]
    total = len(pages)
    lengths = [wc for _, wc in pages]
    average = max(1.0, sum(lengths) / max(1, total))
    norms = [K1 * (1 - B + B * wc / average) for wc in lengths]

    postings = _postings(pagefind, chunks, total, norms)
    buckets = max(16, sum(len(text) for text in postings.values()) // BUCKET_BYTES)
    files: dict[str, str] = {}
    grouped: dict[int, list[str]] = {}
    for key in sorted(postings):
        grouped.setdefault(fnv1a(key) % buckets, []).append(f"{json.dumps(key, ensure_ascii=False)}:{postings[key]}")
    for n in range(buckets):
        files[f"k/{n}.json"] = "{" + ",".join(grouped.get(n, [])) + "}"
    for n, (hash_, _) in enumerate(pages):
        files[f"d/{n}.json"] = json.dumps(_document(pagefind / "fragment" / f"{hash_}.pf_fragment"), ensure_ascii=False,
                                          separators=(",", ":"))
    values: dict[str, list[str]] = {}
    for name, hash_ in filters:
        _name, table = _load(pagefind / "filter" / f"{hash_}.pf_filter")
        table = sorted(table)
        values[name] = [value for value, _ in table]
        for n, (_, members) in enumerate(table):
            files[f"f/{name}/{n}.json"] = _gaps(sorted(members))

    digest = hashlib.sha256()
    for rel in sorted(files):
        digest.update(rel.encode() + b"\0" + files[rel].encode("utf-8") + b"\0")
    index_id = digest.hexdigest()[:10]
    root = site / INDEX_DIR
    target = root / index_id
    if not target.is_dir():
        staging = root / f".{index_id}-new"
        shutil.rmtree(staging, ignore_errors=True)
        for rel, text in files.items():
            path = staging / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        staging.rename(target)
    for old in root.iterdir():
        if old != target:
            shutil.rmtree(old, ignore_errors=True)
    return IndexInfo(path=f"{INDEX_DIR.name}/{index_id}/", buckets=buckets, filters=values)


def _postings(pagefind: Path, chunks: list, total: int, norms: list[float]) -> dict[str, str]:
    """key -> its postings as JSON text ("[page,score,gap,score,...]"). Pagefind's words come sorted, so the
    pages of a key are complete when the key's prefix changes."""
    out: dict[str, str] = {}
    open_keys: dict[str, dict[int, float]] = {}
    for _from, _to, hash_ in chunks:
        for word, pages in _words(pagefind / "index" / f"{hash_}.pf_index"):
            for key in [k for k in open_keys if not word.startswith(k)]:
                out[key] = _encode(open_keys.pop(key))
            df = len(pages)
            idf = math.log((total - df + 0.5) / (df + 0.5) + 1)
            for key in keys_of(word):
                bonus = length_bonus(word, key)
                if key not in open_keys and key in out:
                    raise CompactIndexError(f"Pagefind's words are not in order at {word!r}")
                scores = open_keys.setdefault(key, {})
                for page, frequency, meta in pages:
                    x = (frequency + META_WEIGHT * meta) * bonus
                    scores[page] = scores.get(page, 0.0) + idf * (K1 + 1) * x / (norms[page] + x)
    for key, scores in open_keys.items():
        out[key] = _encode(scores)
    return out


def _encode(scores: dict[int, float]) -> str:
    parts, last = [], 0
    for page in sorted(scores):
        parts.append(f"{page - last},{max(1, round(scores[page] * SCALE))}")
        last = page
    return "[" + ",".join(parts) + "]"


def _gaps(pages: list[int]) -> str:
    out, last = [], 0
    for page in pages:
        out.append(str(page - last))
        last = page
    return "[" + ",".join(out) + "]"


def _document(path: Path) -> dict:
    """What a result shows: URL, title, a matter's summary or another page's opening words, the department."""
    fragment = json.loads(_payload(path)[len(_SIGNATURE):])
    meta = fragment.get("meta", {})
    title = meta.get("title", "")
    text = meta.get("summary")
    if not text:
        content = fragment.get("content", "").replace("\u200b", "")
        if content.startswith(title):
            content = content[len(title):]
        content = " ".join(content.split()).lstrip(" .")  # Pagefind ends each block with ". "
        text = content[:SNIPPET_CHARS] + ("…" if len(content) > SNIPPET_CHARS else "")
    doc = {"u": fragment["url"], "t": title, "s": text}
    department = fragment.get("filters", {}).get("department")
    if department:
        doc["d"] = department[0]
    return doc


def main(argv: list[str] | None = None) -> int:
    """`python -m build_tools.search.compact SITE PAGEFIND-ARGS...`: run Pagefind over SITE, then write the compact
    index; print where it is (JSON) on stdout. SiteIndexer runs this in a process of its own, beside the build."""
    args = sys.argv[1:] if argv is None else argv
    site, rest = Path(args[0]), args[1:]
    proc = subprocess.run([sys.executable, "-m", "pagefind", "--site", str(site), *rest], capture_output=True, text=True)
    if proc.returncode != 0:
        sys.stderr.write(proc.stderr or proc.stdout)
        return proc.returncode or 1
    try:
        info = build(site)
    except CompactIndexError as e:
        sys.stderr.write(f"{e}\n")
        return 1
    print(json.dumps(info.to_json(), ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
