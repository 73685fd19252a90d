"""The citizen search index: Pagefind (extended build, which segments Chinese) run over the built site.

Only pages marked `data-pagefind-body` (matters, guides, halls, departments, public SOPs) are indexed; tombstones
and index pages are not, so a cancelled matter never shows up as a result.

Pagefind cannot be told about synonyms or traditional characters, and it cuts Chinese differently in the browser
(Intl.Segmenter) than in the index (jieba), so the shared analyzer bridges both sides:
- on the document side, each matter page's hidden search-terms paragraph (`data-bk-terms` in matter.html.j2) lists
  the matter's names, then their words, folded forms and synonyms (`search_terms`, called while rendering);
- on the query side, `search/lexicon.json` gives the search page (theme/assets/search.js) what it needs to treat a
  query the same way: traditional → simplified for the characters the site uses, stop words, the two-character
  words the pages contain, synonyms, best bets, and where the index is. It is about 7 KB gzipped and fetched only
  when a citizen searches.
Filters (department, hall, audience) come from empty `data-pagefind-filter` spans in the same paragraph. The
browser does not use Pagefind's own files: compact.py turns them into the smaller index search.js reads.
"""

from __future__ import annotations

import base64
import html
import json
import os
import re
import signal
import subprocess
import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from weakref import WeakKeyDictionary

from ..model import Catalogue
from ..urls import url_of
from .analyzer import Analyzer, Rules, fold, load_rules, name_parts, t2s_chars

#: The hidden search-terms paragraph of a matter page (`data-bk-terms` in build_tools/templates/matter.html.j2):
#: its text is the matter's names joined by 、, then an invisible separator and the words `search_terms` adds,
#: followed by empty filter spans.
_TERMS = re.compile(r"(<p [^>]*\bdata-bk-terms\b[^>]*>)([^<]*)")
_ADDED = "\u2063"
_HAN_RUN = re.compile(r"[\u3400-\u9fff]+")
#: Bloom filter of the two-character words the index knows: 8 bits a word and 5 hashes (about 2 % false positives).
BITS_PER_WORD, HASHES = 8, 5
#: Where the query-side lexicon is written, next to the search page.
LEXICON = Path("search") / "lexicon.json"
#: Not indexed: popular names in lists of *other* matters (they say nothing about the listing page), and the parts
#: of a matter page nobody finds it by — the answer box and facts table (they repeat the page), per-step place,
#: time and fee, sub-steps, material counts and sources, FAQ answers (the questions stay), hall addresses and
#: hours (the hall filter covers "where"), contacts, legal basis, codes, QR code, change history. Every result
#: downloads its page's indexed text, and smaller pages also make smaller index chunks.
EXCLUDE = (".bk-list .bk-aka",
           *(f"[data-kind=matter] {part}" for part in (
               ".bk-answer", ".bk-facts", ".bk-step__facts", ".bk-substeps", ".bk-materials td", ".bk-faq > div",
               ".bk-halls", ".bk-list", ".bk-meta", ".bk-qr", ".bk-history", ".bk-chart", ".bk-actions")))


class SearchIndexError(RuntimeError):
    """Pagefind failed; its output says why."""


@dataclass(frozen=True)
class MatterPage:
    id: str
    url: str
    names: list[str]


#: The pages Pagefind reads: those that can carry `data-pagefind-body` (not the short-link stubs, lists, exports).
PAGES = "{" + ",".join(sorted({url_of(kind, "x").split("/")[0] for kind in ("matter", "guide", "hall", "department", "sop")})) + "}/**/*.html"


class SiteIndexer:
    """Citizen search for a built site. Matter pages are `add`ed as they are written, which collects what the
    query lexicon needs; `start` runs Pagefind (the extended build, which segments Chinese; its own process, so
    the build can go on beside it); `finish` waits for it and writes the lexicon."""

    def __init__(self, site: Path):
        self.site = site
        self._pages: list[MatterPage] = []
        self._runs: set[str] = set()  # runs of Chinese characters seen: pages repeat most of their wording
        self._chars: set[str] = set()
        self._bigrams: set[str] = set()
        self._proc: subprocess.Popen | None = None

    def add(self, url: str, text: str) -> None:
        """A matter page written at `url` ("/matters/x/"): its HTML, or just the content part of it."""
        found = _TERMS.search(text)
        if not found:  # tombstones and moved pages carry no search terms and are not indexed
            return
        self._pages.append(MatterPage(url.strip("/").split("/")[-1], url, html.unescape(found[2]).split(_ADDED)[0].split("、")))
        for run in set(_HAN_RUN.findall(text)) - self._runs:
            self._runs.add(run)
            self._chars.update(run)
            self._bigrams.update(run[i:i + 2] for i in range(len(run) - 1))

    def start(self) -> None:
        """Pagefind, then compact.py over its output, in a process (group) of their own."""
        excluded = [arg for selector in EXCLUDE for arg in ("--exclude-selectors", selector)]
        package_parent = str(Path(__file__).resolve().parents[2])
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [package_parent, os.environ.get("PYTHONPATH")]))}
        self._proc = subprocess.Popen([sys.executable, "-m", "build_tools.search.compact", str(self.site), "--glob", PAGES,
                                       "--force-language", "zh", *excluded, "--quiet"],
                                      stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, start_new_session=True)

    def finish(self) -> None:
        if self._proc is None:
            self.start()
        assert self._proc is not None
        out, err = self._proc.communicate()
        if self._proc.returncode != 0:
            raise SearchIndexError(err.strip() or out.strip())
        index = json.loads(out)
        rules = load_rules()
        analyzer = Analyzer(rules, [part for p in self._pages for name in p.names for part in name_parts(name)])
        words = {b for b in self._bigrams if analyzer.in_dictionary(b)}
        (self.site / LEXICON).parent.mkdir(parents=True, exist_ok=True)
        (self.site / LEXICON).write_text(json.dumps(lexicon(rules, self._chars, words, self._pages, index), ensure_ascii=False,
                                                    separators=(",", ":")), encoding="utf-8")

    def close(self) -> None:
        """Stop Pagefind and compact.py if they run (the build failed elsewhere)."""
        if self._proc is not None and self._proc.poll() is None:
            try:
                os.killpg(self._proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self._proc.communicate()


def index_site(site: Path) -> None:
    """Index a built site whose matter pages are on disk already (the preview's first build)."""
    indexer = SiteIndexer(site)
    for path in sorted(site.glob(url_of("matter", "*") + "index.html")):
        indexer.add("/" + path.parent.relative_to(site).as_posix() + "/", path.read_text(encoding="utf-8"))
    indexer.finish()


#: One analyzer per catalogue: its dictionary holds the parts of every live matter's names.
_ANALYZERS: WeakKeyDictionary[Catalogue, Analyzer] = WeakKeyDictionary()


def search_terms(catalogue: Catalogue, names: list[str]) -> str:
    """The text of a matter page's search-terms paragraph: the names as written, then (after an invisible
    separator) their words, folded forms and synonyms, cut with a dictionary of every live matter's names."""
    analyzer = _ANALYZERS.get(catalogue)
    if analyzer is None:
        words = {part for m in catalogue.live_matters() for name in (m.name, *m.popular_names) for part in name_parts(name)}
        analyzer = _ANALYZERS[catalogue] = _analyzer(frozenset(words))
    text = " ".join(names)
    words = dict.fromkeys([fold(n) for n in names if fold(n) != n] + analyzer.tokens(text) + analyzer.expansions(text))
    return "、".join(names) + _ADDED + " ".join(words)


@lru_cache(maxsize=2)
def _analyzer(words: frozenset[str]) -> Analyzer:
    """Shared by catalogues with the same names: while previewing, most saves change no name, and loading jieba's
    dictionary takes a second."""
    return Analyzer(load_rules(), words)


def lexicon(rules: Rules, chars: set[str], words: set[str], pages: list[MatterPage], index: dict | None = None) -> dict:
    """What the search page needs to cut a query the way the index cut the pages: traditional → simplified for the
    characters the site uses (a pair string, two characters per mapping), stop words, the two-character words
    the pages contain (a Bloom filter), synonym groups and best bets; and where compact.py put the index."""
    used = chars | {c for g in rules.synonyms for w in g for c in w}
    t2s = "".join(t + s for t, s in sorted(t2s_chars().items()) if s in used and len(t) == 1)
    by_id = {p.id: p for p in pages}
    bets = {phrase: [{"url": by_id[i].url, "title": by_id[i].names[0]} for i in ids if i in by_id]
            for phrase, ids in rules.best_bets.items()}
    return {"t2s": t2s, "stop": sorted(rules.stopwords), "words": bloom(words), "synonyms": [sorted(g) for g in rules.synonyms],
            "bets": {k: v for k, v in bets.items() if v}, "index": index}


def bloom(words: set[str]) -> dict:
    """A Bloom filter the browser can test (theme/assets/search.js implements the same hashes)."""
    size = max(64, -(-len(words) * BITS_PER_WORD // 8) * 8)
    bits = bytearray(size // 8)
    for w in words:
        a, b = _fnv(w, 0x811C9DC5), _fnv(w, 0x9747B28C) | 1
        for i in range(HASHES):
            bit = ((a + i * b) & 0xFFFFFFFF) % size
            bits[bit >> 3] |= 1 << (bit & 7)
    return {"bits": base64.b64encode(bytes(bits)).decode("ascii"), "k": HASHES}


def _fnv(text: str, seed: int) -> int:
    """FNV-1a over UTF-16 code units (what JavaScript's charCodeAt gives)."""
    h = seed
    data = text.encode("utf-16-le")
    for i in range(0, len(data), 2):
        h = ((h ^ int.from_bytes(data[i:i + 2], "little")) * 16777619) & 0xFFFFFFFF
    return h
