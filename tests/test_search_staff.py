"""Staff and hotline search: the Whoosh index behind build_tools/search/staff/, the `search` CLI and the
`serve-search` HTTP service (JSON API, console page, bad queries, access rules, rebuilds while serving)."""

from __future__ import annotations

import json
import os
import subprocess
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from build_tools.model import Audience
from build_tools.search.server import Service, make_server, watch
from build_tools.search.staff import CURRENT, QueryError, StaffIndex, content_fingerprint, current_fingerprint, ensure_index, rebuild

from .conftest import PYTHON
from .support import REPO, copy_project

#: A phrase of the sample's internal notes (matters/chusheng-dengji.yaml `staff_notes`): staff may find it, the
#: public never.
INTERNAL_PHRASE = "造字"


@pytest.fixture(scope="module")
def root(tmp_path_factory) -> Path:
    return copy_project(tmp_path_factory.mktemp("content"))


@pytest.fixture(scope="module")
def index(root) -> StaffIndex:
    directory = root / ".site-search" / "staff"
    rebuild(root, directory, Audience.STAFF)
    return StaffIndex(directory)


@pytest.fixture(scope="module")
def public_index(root) -> StaffIndex:
    directory = root / ".site-search" / "public"
    rebuild(root, directory, Audience.PUBLIC)
    return StaffIndex(directory)


# --- the index ---------------------------------------------------------------------------------------------------
def test_result_has_title_code_url_department_score_and_highlighted_snippet(index):
    r = index.search("社保卡丢了", limit=3)
    top = r.results[0]
    assert top.id == "shehui-baozhang-ka-buhuan"
    assert top.title == "社会保障卡补换"
    assert top.code.startswith("M") and top.url.endswith("/matters/shehui-baozhang-ka-buhuan/")
    assert top.department["id"] == "rsj" and top.score > 0
    marked = [top.snippet[a:b] for a, b in top.highlights]
    assert any("社保" in m for m in marked)
    assert len(r.results) == 3 and r.total >= 3


def test_json_shape_has_results_and_facets(index):
    data = index.search("营业执照", limit=5).to_json()
    assert set(data) >= {"results", "facets"}
    assert {"title", "code", "url", "score", "department", "snippet", "highlights"} <= set(data["results"][0])
    assert {f["id"] for f in data["facets"]["department"]} >= {"scjg"}
    assert all(f["count"] > 0 for f in data["facets"]["hall"])


def test_compound_words_and_traditional_characters_match(index):
    assert index.search("執照", limit=10).results[0].id == "yingye-zhizhao-buling"
    ids = [h.id for h in index.search("營業執照遺失", limit=5).results]
    assert "yingye-zhizhao-buling" in ids


def test_fielded_query_restricts_to_the_field(index):
    r = index.search("材料:身份证", limit=100)
    assert r.results
    for hit in r.results:
        materials = " ".join(m.name + (m.notes or "") + (m.condition or "") for m in index.matter(hit.id).materials)
        assert "身份" in materials
    tax = index.search("部门:税务", limit=100)
    assert {h.department["id"] for h in tax.results} == {"swj"}


def test_did_you_mean_for_a_mistyped_character(index):
    r = index.search("营业只照丢了", limit=5)
    assert r.did_you_mean == "营业执照丢了"
    assert r.results[0].id == "yingye-zhizhao-buling"
    assert index.search("营业执照", limit=5).did_you_mean is None


def test_department_and_hall_filters(index):
    r = index.search("证明", limit=100, department="swj")
    assert r.results and {h.department["id"] for h in r.results} == {"swj"}
    by_name = index.search("证明", limit=100, department="国家税务总局北京市西城区税务局")
    assert [h.id for h in by_name.results] == [h.id for h in r.results]
    hall = index.search("社保卡", limit=100, hall="hrss-hall")
    assert hall.results and all("hrss-hall" in h.halls for h in hall.results)


@pytest.mark.parametrize("query, limit, department, hall, message", [
    ("", 10, None, None, "请输入"),
    ("   ", 10, None, None, "请输入"),
    ("社" * 10_000, 10, None, None, "太长"),
    ('"营业执照', 10, None, None, "引号"),
    ("作者:张三", 10, None, None, "不认识的字段"),
    ("材料:", 10, None, None, "缺少"),
    ("请问怎么办", 10, None, None, "常用字"),
    ("低保", 0, None, None, "结果条数"),
    ("低保", 10, "no-such-department", None, "没有这个部门"),
    ("低保", 10, None, "no-such-hall", "没有这个大厅"),
], ids=["empty", "blank", "10000 chars", "quote", "unknown field", "empty field", "only stop words", "limit 0",
        "unknown department", "unknown hall"])
def test_bad_queries_raise_query_error_with_a_chinese_message(index, query, limit, department, hall, message):
    with pytest.raises(QueryError, match=message):
        index.search(query, limit, department, hall)


def test_best_bet_comes_first(index):
    top = index.search("上户口", limit=5).results[0]
    assert top.id == "chusheng-dengji" and top.best_bet


def test_cancelled_matter_is_found_but_says_so(index):
    hit = next(h for h in index.search("企业年检", limit=10).results if h.id == "qiye-nianjian")
    assert hit.state == "取消"


def test_internal_fields_only_in_the_staff_index(index, public_index):
    assert "chusheng-dengji" in [h.id for h in index.search(f"内部:{INTERNAL_PHRASE}", limit=5).results]
    assert "chusheng-dengji" in [h.id for h in index.search(INTERNAL_PHRASE, limit=5).results]
    assert INTERNAL_PHRASE in " ".join(index.matter("chusheng-dengji").internal)
    assert "chusheng-dengji" not in [h.id for h in public_index.search(INTERNAL_PHRASE, limit=50).results]
    assert public_index.matter("chusheng-dengji").internal == []
    files = b"".join(p.read_bytes() for p in (public_index.directory / CURRENT).iterdir())
    assert INTERNAL_PHRASE.encode() not in files
    with pytest.raises(QueryError, match="不认识的字段"):
        public_index.search(f"内部:{INTERNAL_PHRASE}")


def test_rebuild_swaps_atomically_and_keeps_one_old_version(root, tmp_path):
    directory = tmp_path / "idx"
    first = rebuild(root, directory, Audience.STAFF)
    idx = StaffIndex(directory)
    assert idx.version().name == first.name
    second = rebuild(root, directory, Audience.STAFF)
    third = rebuild(root, directory, Audience.STAFF)
    assert (directory / CURRENT).resolve() == third.resolve()
    assert idx.version().name == third.name
    assert not first.exists() and second.exists()
    assert idx.search("低保").results


def test_ensure_index_rebuilds_only_when_content_changed(tmp_path):
    root = copy_project(tmp_path / "content")
    directory = tmp_path / "idx"
    first = ensure_index(root, directory, Audience.STAFF).version().name
    assert ensure_index(root, directory, Audience.STAFF).version().name == first
    matter = root / "matters" / "zuidi-shenghuo-baozhang.yaml"
    matter.write_text(matter.read_text(encoding="utf-8").replace("城市低保,", "城市低保, 领低保金,"), encoding="utf-8")
    index = ensure_index(root, directory, Audience.STAFF)
    assert index.version().name != first
    assert index.search("领低保金", limit=1).results[0].id == "zuidi-shenghuo-baozhang"


# --- command line ------------------------------------------------------------------------------------------------
def _cli(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([PYTHON, "-m", "build_tools", "search", *args, "--root", str(root)], cwd=REPO,
                          capture_output=True, text=True, encoding="utf-8", timeout=300)


def test_cli_json_and_text(root, index):
    proc = _cli(root, "公租房", "--json", "--limit", "3", "--index", str(index.directory))
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert "gonggong-zulin-zhufang" in [r["id"] for r in data["results"][:2]]
    assert {"title", "code", "url", "score"} <= set(data["results"][0]) and "facets" in data
    text = _cli(root, "公租房", "--hall", "yuetan-street-hall", "--index", str(index.directory))
    assert text.returncode == 0 and "公共租赁住房申请" in text.stdout


def test_cli_bad_query_exits_2_with_message(root, index):
    proc = _cli(root, "作者:张三", "--json", "--index", str(index.directory))
    assert proc.returncode == 2
    assert "不认识的字段" in json.loads(proc.stdout)["error"]


# --- HTTP service ------------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def server(index):
    httpd = make_server(Service(index, token=None), "127.0.0.1", 0)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def _get(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict | str]:
    req = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=60) as resp:
            body, status, ctype = resp.read().decode("utf-8"), resp.status, resp.headers["Content-Type"]
    except urllib.error.HTTPError as err:
        body, status, ctype = err.read().decode("utf-8"), err.code, err.headers["Content-Type"]
    return status, json.loads(body) if ctype.startswith("application/json") else body


def _q(text: str) -> str:
    return urllib.request.quote(text)


def test_api_search_returns_the_cli_json(server):
    status, body = _get(f"{server}/api/search?q={_q('低保')}&limit=2&department=jiedao")
    assert status == 200
    assert body["results"][0]["id"] == "zuidi-shenghuo-baozhang"
    assert {r["department"]["id"] for r in body["results"]} == {"jiedao"}
    assert len(body["results"]) <= 2 and "facets" in body


BAD_REQUESTS = {"missing": "", "empty": "q=", "10000 chars": "q=" + _q("社" * 10_000), "300 chars": "q=" + _q("社" * 300),
                "unbalanced quote": "q=" + _q('"营业'), "unknown field": "q=" + _q("作者:张三"), "limit not a number": "q=x&limit=abc",
                "limit too big": "q=x&limit=1000", "unknown department": "q=x&department=nope", "unknown hall": "q=x&hall=nope",
                "unknown parameter": "q=x&colour=red", "repeated parameter": "q=a&q=b"}


@pytest.mark.parametrize("query", BAD_REQUESTS.values(), ids=BAD_REQUESTS.keys())
def test_api_bad_queries_are_400_with_a_message(server, query):
    status, body = _get(f"{server}/api/search?{query}")
    assert status == 400
    assert isinstance(body, dict) and body["error"]


def test_api_matter_detail_has_the_materials_list(server):
    status, body = _get(f"{server}/api/matters/chusheng-dengji")
    assert status == 200
    assert body["title"].startswith("出生登记") and body["materials"] and "necessity" in body["materials"][0]
    assert _get(f"{server}/api/matters/nope")[0] == 404
    assert _get(f"{server}/nope")[0] == 404


def test_a_query_about_one_situation_names_it_and_the_detail_lists_its_materials(server):
    status, body = _get(f"{server}/api/search?q={_q('变更法人')}&limit=3")
    top = body["results"][0]
    assert status == 200 and top["id"] == "qiye-biangeng-dengji"
    assert top["situation"]["id"] == "fading" and top["situation"]["url"].endswith("/matters/qiye-biangeng-dengji/?s=fading")
    _, detail = _get(f"{server}/api/matters/qiye-biangeng-dengji")
    cases = {c["id"]: c for c in detail["situations"]}
    assert cases["jianshi"]["materials"] == ["m1", "m2", "m6"] and "match" not in cases["jianshi"]
    assert _get(f"{server}/api/search?q={_q('低保')}")[1]["results"][0]["situation"] is None


@pytest.mark.browser
def test_console_starts_the_notice_from_the_situation_searched_for(server):
    playwright = pytest.importorskip("playwright.sync_api")
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        page = browser.new_page()
        page.goto(server + "/")
        page.fill("#q", "只变更监事")
        page.press("#q", "Enter")
        page.wait_for_selector("#situation")
        assert page.input_value("#situation") == "jianshi"
        rows = page.eval_on_selector_all("#detail tbody tr", "rs => rs.filter(r => !r.hidden).map(r => r.dataset.material)")
        assert rows == ["m1", "m2", "m6"]
        page.select_option("#situation", "")
        assert len(page.eval_on_selector_all("#detail tbody tr", "rs => rs.filter(r => !r.hidden)")) == 11
        browser.close()


def test_console_page_is_served_with_a_strict_policy(server):
    status, body = _get(f"{server}/")
    assert status == 200 and "一次性告知" in body and 'id="q"' in body
    with urllib.request.urlopen(f"{server}/", timeout=30) as resp:
        policy = resp.headers["Content-Security-Policy"]
    assert "script-src 'nonce-" in policy and "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy  # no other page may frame the console (clickjacking)


def test_foreign_host_header_refused_without_token(server):
    assert _get(f"{server}/api/search?q=x", {"Host": "evil.example"})[0] == 403


def test_token_required_on_every_request_when_configured(index):
    httpd = make_server(Service(index, token="s3cret"), "127.0.0.1", 0)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{httpd.server_address[1]}"
    try:
        assert _get(f"{base}/api/search?q={_q('低保')}")[0] == 401
        assert _get(f"{base}/")[0] == 401
        assert _get(f"{base}/api/search?q={_q('低保')}", {"Authorization": "Bearer wrong"})[0] == 401
        assert _get(f"{base}/api/search?q={_q('低保')}", {"Authorization": "Bearer s3cret"})[0] == 200
        # One way to give the token, the header (README): in the address it would stay in histories and logs.
        for url in (f"{base}/?token=s3cret", f"{base}/api/search?q={_q('低保')}&token=s3cret"):
            status, body = _get(url, {"Authorization": "Bearer s3cret"})
            assert status == 400 and "请求头 Authorization: Bearer" in body["error"]
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_an_idle_connection_is_closed(index):
    """Issue #20: a connection that sends nothing held a thread for ever."""
    import socket

    httpd = make_server(Service(index, token=None, idle_timeout=0.2), "127.0.0.1", 0)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        with socket.create_connection(httpd.server_address[:2], timeout=60) as idle:
            idle.sendall(b"GET /api/search?q=x HTTP/1.1\r\n")  # and then nothing: no end of the headers
            assert idle.recv(1024) == b""  # closed by the server (the client would wait its 60 s and fail)
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_other_address_refused_without_token(index):
    with pytest.raises(ValueError, match="令牌"):
        make_server(Service(index, token=None), "0.0.0.0", 0)


def test_server_keeps_answering_while_the_index_is_rebuilt(root, server, index):
    stop = threading.Event()
    statuses: list[int] = []

    def hammer() -> None:
        while not stop.is_set():
            statuses.append(_get(f"{server}/api/search?q={_q('社保卡')}&limit=3")[0])

    before = index.version().name
    with ThreadPoolExecutor(4) as pool:
        for _ in range(4):
            pool.submit(hammer)
        rebuild(root, index.directory, Audience.STAFF)
        deadline = time.monotonic() + 60
        while index.version().name == before and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.5)
        stop.set()
    assert index.version().name != before
    assert statuses and set(statuses) == {200}


def _replace(path: Path, text: str) -> None:
    """Write like an editor saving: the watcher never sees a half-written file."""
    tmp = path.with_suffix(".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def test_watch_rebuilds_after_an_edit_and_survives_invalid_content(tmp_path):
    root = copy_project(tmp_path / "content")
    index = ensure_index(root, tmp_path / "idx", Audience.STAFF)
    first = index.version().name
    stop = threading.Event()
    watch(root, lambda: rebuild(root, index.directory, Audience.STAFF), lambda: current_fingerprint(index.directory), 0.2, stop)
    try:
        matter = root / "matters" / "gaoling-jintie.yaml"
        _replace(matter, matter.read_text(encoding="utf-8").replace("name: ", "name: 百岁", 1))
        deadline = time.monotonic() + 120
        while current_fingerprint(index.directory) != content_fingerprint(root) and time.monotonic() < deadline:
            time.sleep(0.2)
        second = index.version().name
        assert second != first and index.search("百岁高龄", limit=1).results[0].id == "gaoling-jintie"
        _replace(matter, "id: [unclosed\n")
        time.sleep(3)
        assert index.version().name == second and index.search("低保").results
    finally:
        stop.set()


def test_serve_search_refuses_other_address_without_token(root, index):
    proc = subprocess.run([PYTHON, "-m", "build_tools", "serve-search", "--root", str(root), "--index", str(index.directory),
                           "--host", "0.0.0.0", "--port", "0"], cwd=REPO, capture_output=True, text=True, timeout=300,
                          env={k: v for k, v in os.environ.items() if k != "BAIKE_SEARCH_TOKEN"})
    assert proc.returncode == 2 and "令牌" in proc.stderr
