"""Citizen search on the built sample site: what the build writes for Pagefind (hidden search terms, filters, the
query lexicon), the compact index made from Pagefind's (build_tools/search/compact.py), and — in Debian's
Chromium — the search page itself: relevance, traditional characters, filters, and nothing downloaded before the
citizen searches."""

from __future__ import annotations

import functools
import gzip
import http.server
import json
import re
import shutil
import threading
from pathlib import Path

import pytest

from build_tools.search import compact
from build_tools.search.citizen import LEXICON, index_site

from .support import build_copy
from .test_search_relevance import TARGET, load_queries, recall_at_5

CHROMIUM = "/usr/bin/chromium"
MATTER = re.compile(r"/matters/([^/]+)/")


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    return build_copy(tmp_path_factory.mktemp("citizen"))


def _fragments(site: Path) -> dict[str, dict]:
    out = {}
    for path in (site / "pagefind" / "fragment").iterdir():
        raw = gzip.decompress(path.read_bytes())
        data = json.loads(raw[raw.index(b"{"):])
        out[data["url"]] = data
    return out


# --- what the build writes ----------------------------------------------------------------------------------------
def test_matter_pages_carry_synonyms_of_their_names(site):
    html = (site / "matters" / "shehui-baozhang-ka-buhuan" / "index.html").read_text(encoding="utf-8")
    terms = re.search(r"data-bk-terms[^>]*>([^<]*)", html)[1]
    assert terms.startswith("社会保障卡补换、")
    assert {"社保卡", "补办", "丢失"} <= set(terms.split("\u2063")[1].split())


def test_filters_and_summary_are_indexed_per_matter(site):
    fragment = _fragments(site)["/matters/chusheng-dengji/"]
    assert fragment["meta"]["summary"].startswith("父母一方为本市西城区户籍的新生儿")
    assert fragment["filters"]["department"] == ["北京市公安局西城分局"]
    assert fragment["filters"]["audience"] == ["自然人"]
    assert "西城区政务服务中心" in fragment["filters"]["hall"]


def test_addresses_codes_and_history_of_matter_pages_are_not_indexed(site):
    content = _fragments(site)["/matters/chusheng-dengji/"]["content"].replace("\u200b", "")
    assert "出生登记" in content and "扫码或输入" not in content
    assert "事项编码" not in content and "示例路" not in content


def test_tombstones_are_not_indexed(site):
    assert "/matters/qiye-nianjian/" not in _fragments(site)


def test_lexicon_is_small_and_folds_what_the_site_uses(site):
    path = site / LEXICON
    lexicon = json.loads(path.read_text(encoding="utf-8"))
    assert len(gzip.compress(path.read_bytes())) < 12_000
    pairs = dict(zip(lexicon["t2s"][::2], lexicon["t2s"][1::2]))
    assert pairs["營"] == "营" and pairs["執"] == "执"
    assert "怎么" in lexicon["stop"] and lexicon["words"]["bits"]
    assert lexicon["bets"]["上户口"][0]["url"] == "/matters/chusheng-dengji/"


def _index(site: Path) -> tuple[Path, dict]:
    info = json.loads((site / LEXICON).read_text(encoding="utf-8"))["index"]
    return site / LEXICON.parent / info["path"], info


def _postings(site: Path, key: str) -> dict[str, int]:
    """matter id (or URL) -> score for one key of the compact index."""
    root, info = _index(site)
    bucket = json.loads((root / "k" / f"{compact.fnv1a(key) % info['buckets']}.json").read_text(encoding="utf-8"))
    out, page = {}, 0
    entries = bucket.get(key, [])
    for gap, score in zip(entries[::2], entries[1::2]):
        page += gap
        url = json.loads((root / "d" / f"{page}.json").read_text(encoding="utf-8"))["u"]
        out[m[1] if (m := MATTER.search(url)) else url] = score
    return out


def test_compact_index_finds_words_by_their_first_characters(site):
    assert compact.fnv1a("") == 0x811C9DC5 and compact.fnv1a("a") == 0xE40C292C  # FNV-1a test vectors, as in search.js
    low = _postings(site, "低保")
    assert max(low, key=low.get) == "zuidi-shenghuo-baozhang"
    assert "chusheng-dengji" in _postings(site, "出生") and "chusheng-dengji" in _postings(site, "出")
    assert not _postings(site, "示例路")  # hall addresses are not indexed, and keys are one or two characters


def test_compact_index_documents_and_filters(site):
    root, info = _index(site)
    docs = [json.loads(p.read_text(encoding="utf-8")) for p in sorted((root / "d").iterdir(), key=lambda p: int(p.stem))]
    birth = next(d for d in docs if d["u"] == "/matters/chusheng-dengji/")
    assert birth["t"] == "出生登记（新生儿落户）" and birth["s"].startswith("父母一方为本市西城区户籍的新生儿")
    assert birth["d"] == "北京市公安局西城分局"
    assert "/matters/qiye-nianjian/" not in {d["u"] for d in docs}  # tombstones stay out
    n = info["filters"]["department"].index("国家税务总局北京市西城区税务局")
    page, members = 0, []
    for gap in json.loads((root / "f" / "department" / f"{n}.json").read_text(encoding="utf-8")):
        page += gap
        members.append(docs[page])
    assert members and all(d.get("d") == "国家税务总局北京市西城区税务局" for d in members)


def test_compact_index_reads_only_the_pagefind_format_it_knows(site, tmp_path):
    copy = tmp_path / "site"
    shutil.copytree(site / "pagefind", copy / "pagefind")
    entry = json.loads((copy / "pagefind" / "pagefind-entry.json").read_text(encoding="utf-8"))
    entry["version"] = "9.9.9"
    (copy / "pagefind" / "pagefind-entry.json").write_text(json.dumps(entry), encoding="utf-8")
    with pytest.raises(compact.CompactIndexError, match="9.9.9"):
        compact.build(copy)


def test_indexing_leaves_the_pages_as_rendered(site):
    page = site / "matters" / "chusheng-dengji" / "index.html"
    before = page.read_text(encoding="utf-8")
    assert "上户口" in before and "\u2063" in before  # the popular name, then the words added for search
    index_site(site)
    assert page.read_text(encoding="utf-8") == before
    assert len(list((site / LEXICON.parent / "i").iterdir())) == 1  # the same index, not a second copy


# --- in a browser -------------------------------------------------------------------------------------------------
class CountingHandler(http.server.SimpleHTTPRequestHandler):
    """Serves the site and records each path it sends (to see what the search page downloads, and when)."""

    sent: list[str]

    def log_message(self, *args) -> None:
        pass

    def send_head(self):
        self.sent.append(self.path)
        return super().send_head()


@pytest.fixture(scope="module")
def server(site):
    handler = type("Handler", (CountingHandler,), {"sent": []})
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(site)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/", handler.sent
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="module")
def browser():
    playwright = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian chromium is not installed: run `make test` (it installs it)")
    with playwright.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        yield b
        b.close()


def _search(page, query: str) -> list[str]:
    page.fill("#bk-q", query)
    page.press("#bk-q", "Enter")
    page.wait_for_function("q => { const l = document.getElementById('bk-results');"
                           " return l.dataset.state === 'done' && l.dataset.query === q; }", arg=query, timeout=30_000)
    hrefs = page.eval_on_selector_all("#bk-results li a", "els => els.map(e => e.getAttribute('href'))")
    return [m[1] if (m := MATTER.search(h)) else h for h in hrefs]


@pytest.mark.browser
def test_citizen_search_recall_at_5(browser, server):
    base, _ = server
    page = browser.new_page()
    page.goto(base + "search/")
    queries = load_queries()
    found = {q.q: _search(page, q.q) for q in queries}
    page.close()
    recall, misses = recall_at_5(found, queries)
    assert recall >= TARGET, "\n".join(misses)


@pytest.mark.browser
def test_nothing_downloads_until_the_citizen_searches(browser, server):
    base, sent = server
    sent.clear()
    page = browser.new_page()
    page.goto(base + "search/")
    page.wait_for_load_state("networkidle")
    assert not [p for p in sent if "/pagefind/" in p or "/search/i/" in p or p.endswith("lexicon.json")]
    sent.clear()
    assert _search(page, "低保")[0] == "zuidi-shenghuo-baozhang"
    first = list(sent)
    assert any(p.endswith("lexicon.json") for p in first) and any("/search/i/" in p and "/k/" in p for p in first)
    assert not [p for p in first if "/pagefind/" in p]  # Pagefind's own files are only the build's input
    assert len([p for p in first if "/d/" in p]) <= 5  # a title and summary for each result shown
    sent.clear()
    _search(page, "低保 申请")
    assert not [p for p in sent if p.endswith(".js") or "lexicon" in p or "/pagefind/" in p]
    assert not [p for p in sent if "/k/" in p and p in first]  # key files come once
    page.close()


@pytest.mark.browser
def test_query_in_the_address_traditional_characters_and_filters(browser, server):
    base, _ = server
    page = browser.new_page()
    page.goto(base + "search/?q=" + "營業執照遺失")
    page.wait_for_function("() => document.getElementById('bk-results').dataset.state === 'done'", timeout=30_000)
    first = page.eval_on_selector("#bk-results li a", "a => a.getAttribute('href')")
    assert "/matters/yingye-zhizhao-buling/" in first
    assert page.evaluate("document.documentElement.lang") == "zh"  # search.js borrows it only while Pagefind starts
    page.select_option("select[name=department]", "国家税务总局北京市西城区税务局")
    hits = _search(page, "证明")
    assert hits and set(hits) <= {"wanshui-zhengming", "fapiao-daikai", "geren-suodeshui-huisuan"}
    assert "department=" in page.url
    page.close()
