"""Citizen search on the built sample site: the compact index and the query lexicon the build writes from the
model (build_tools/search/documents.py, compact.py, citizen.py), and — in Debian's Chromium — the search page
itself: relevance, traditional characters, filters, and nothing downloaded before the citizen searches."""

from __future__ import annotations

import functools
import gzip
import http.server
import json
import re
import threading
from collections import Counter
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from build_tools.model import Audience, load_catalogue, view
from build_tools.search import compact
from build_tools.search.citizen import LEXICON, citizen_search_files
from build_tools.search.documents import Document

from .support import build_copy
from .test_search_relevance import TARGET, load_queries, recall_at_5

CHROMIUM = "/usr/bin/chromium"
MATTER = re.compile(r"/matters/([^/]+)/")


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    return build_copy(tmp_path_factory.mktemp("citizen"))


# --- what the build writes ----------------------------------------------------------------------------------------
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


def _docs(site: Path) -> list[dict]:
    root, _ = _index(site)
    files = sorted((root / "d").iterdir(), key=lambda p: int(p.stem))
    return [doc for p in files for doc in json.loads(p.read_text(encoding="utf-8"))]


def _postings(site: Path, key: str) -> dict[str, int]:
    """matter id (or URL) -> score for one key of the compact index."""
    root, info = _index(site)
    bucket = json.loads((root / "k" / f"{compact.fnv1a(key) % info['buckets']}.json").read_text(encoding="utf-8"))
    docs = _docs(site)
    out, page = {}, 0
    entries = bucket.get(key, [])
    for gap, score in zip(entries[::2], entries[1::2]):
        page += gap
        url = docs[page]["u"]
        out[m[1] if (m := MATTER.search(url)) else url] = score
    return out


def test_compact_index_finds_words_inside_longer_words(site):
    assert compact.fnv1a("") == 0x811C9DC5 and compact.fnv1a("a") == 0xE40C292C  # FNV-1a test vectors, as in search.js
    low = _postings(site, "低保")
    assert max(low, key=low.get) == "zuidi-shenghuo-baozhang"
    assert "chusheng-dengji" in _postings(site, "出生") and "chusheng-dengji" in _postings(site, "出")
    licence = _postings(site, "执照")  # inside 营业执照: no segmenter needed on either side
    assert max(licence, key=licence.get) == "yingye-zhizhao-buling"
    assert not _postings(site, "示例路")  # keys are one or two characters


def test_matters_are_found_by_synonyms_of_their_names(site):
    assert "shehui-baozhang-ka-buhuan" in _postings(site, "社保")  # 社会保障卡补换: 社保卡 comes from search/synonyms.yaml


def test_addresses_codes_and_history_of_matter_pages_are_not_indexed(site):
    assert not [k for k in _postings(site, "示例") if "/" not in k]  # only hall pages have addresses in their text
    code = yaml.safe_load((site.parent / "matters" / "chusheng-dengji.yaml").read_text(encoding="utf-8"))["codes"]["implementation"]
    assert not _postings(site, str(code).lower())


def test_compact_index_documents_and_filters(site):
    root, info = _index(site)
    docs = _docs(site)
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
    halls = info["filters"]["hall"]
    assert "西城区政务服务中心" in halls and "自然人" in info["filters"]["audience"]


def test_the_index_is_the_same_for_the_same_content(site):
    """Made from the model alone: a second run gives the same files, so the index folder (named after its contents)
    stays the one browsers have cached."""
    catalogue = view(load_catalogue(site.parent), Audience.PUBLIC)  # build_copy builds into <project>/site
    again = citizen_search_files(catalogue)
    for rel, data in again.items():
        assert (site / rel).read_bytes() == data, rel
    assert len(list((site / LEXICON.parent / "i").iterdir())) == 1


_HAN_TEXT = st.text(alphabet=st.sampled_from("营业执照补办社保卡出生登记的了 ，。ABc12３"), max_size=40)


@given(_HAN_TEXT)
def test_every_character_and_pair_of_a_text_is_a_key(text):
    keys = Counter(compact.key_sequence(text)[0])
    for run in re.findall(r"[\u3400-\u9fff]+", text):
        for i, ch in enumerate(run):
            assert keys[ch] >= 1
            if i + 1 < len(run):
                assert keys[run[i:i + 2]] >= 1
    assert all(k == k.lower() and "３" not in k for k in keys)  # folded like queries: NFKC, lower case


@given(st.lists(st.tuples(_HAN_TEXT, st.sampled_from([1, 5, 12])), min_size=1, max_size=4), st.integers(0, 3))
def test_a_page_is_listed_under_each_of_its_keys_with_a_positive_score(fields, extra):
    """Every key of a page's titles and names, and every key of two or more characters of its running text."""
    def keys(text: str, weight: int) -> set[str]:
        return {k for k in compact.key_sequence(text)[0] if weight >= compact.SINGLE_FROM or len(k) > 1}

    docs = [Document(f"/p{n}/", f"p{n}", "", tuple(fields if n == 0 else [("无关内容", 1)])) for n in range(extra + 1)]
    index = compact.build(docs, frozenset())
    merged = {}
    for rel, text in index.files.items():
        if "/k/" in rel:
            merged.update(json.loads(text))
    expected = set().union(*(keys(t, w) for t, w in fields))
    for key in expected:
        postings = merged[key]
        assert postings[0] == 0 and postings[1] >= 1  # page 0 first, score stored as a positive integer
    assert set(merged) == expected | (keys("无关内容", 1.0) if extra else set())


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
    assert not [p for p in sent if "/search/i/" in p or p.endswith("lexicon.json")]
    sent.clear()
    assert _search(page, "低保")[0] == "zuidi-shenghuo-baozhang"
    first = list(sent)
    assert any(p.endswith("lexicon.json") for p in first) and any("/search/i/" in p and "/k/" in p for p in first)
    assert len([p for p in first if "/d/" in p]) <= 5  # a title and summary for each result shown
    sent.clear()
    _search(page, "低保 申请")
    assert not [p for p in sent if p.endswith(".js") or "lexicon" in p]
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
    assert page.evaluate("document.documentElement.lang") == "zh"  # screen readers keep reading the page as Chinese
    page.select_option("select[name=department]", "国家税务总局北京市西城区税务局")
    hits = _search(page, "证明")
    assert hits and set(hits) <= {"wanshui-zhengming", "fapiao-daikai", "geren-suodeshui-huisuan"}
    assert "department=" in page.url
    page.close()


@pytest.mark.browser
def test_a_named_situation_is_found_and_opens_the_page_at_that_case(browser, server):
    base, _ = server
    page = browser.new_page()
    page.goto(base + "search/")
    _search(page, "变更法人")
    links = page.eval_on_selector_all("#bk-results li a", "els => els.slice(0, 5).map(e => [e.textContent, e.getAttribute('href')])")
    situation = next((href for title, href in links if title == "企业变更登记：变更法定代表人"), None)
    assert situation and situation.endswith("/matters/qiye-biangeng-dengji/?s=fading"), links
    page.click(f"#bk-results a[href='{situation}']")
    page.wait_for_selector("#bk-case-form:not([hidden])")
    assert page.is_checked("input[name=biangeng][value=fading]")
    page.close()
