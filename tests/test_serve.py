"""`make serve`'s promise: the sample is served, and saving a matter's YAML updates its page (live reload)."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from build_tools.model import Audience
from build_tools.publish import build

from .support import copy_project

#: What `mkdocs serve` adds to every page it serves.
_LIVERELOAD = re.compile(r"<script>[^<]*livereload[^<]*</script>", re.S)

pytestmark = pytest.mark.browser  # slow end-to-end: runs with the browser group


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as r:
            return r.read().decode("utf-8")
    except OSError:
        return None


def _wait_for(url: str, predicate, seconds: float) -> str:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        html = _get(url)
        if html is not None and predicate(html):
            return html
        time.sleep(0.5)
    raise AssertionError(f"{url} did not show the change within {seconds} s")


def test_saving_a_matter_updates_the_served_page(tmp_path):
    root = copy_project(tmp_path / "p")
    port = _free_port()
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    server = subprocess.Popen([sys.executable, "-m", "mkdocs", "serve", "--dirty", "--dev-addr", f"127.0.0.1:{port}", "-f", str(root / "mkdocs.yml")],
                              cwd=root, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        url = f"http://127.0.0.1:{port}/matters/wanshui-zhengming/"
        first = _wait_for(url, lambda html: "完税证明" in html, 120)
        # A page's QR image is written into the served folder with the page, by-products too (not into the docs
        # folder the renderer would rescan).
        code = re.search(r'href="\.\./\.\./qr/(M\d+)\.png" download', first).group(1)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/qr/{code}.png", timeout=5) as r:
            assert r.read().startswith(b"\x89PNG")
        assert not (root / "generated" / "public" / "qr").exists()
        source = root / "matters" / "wanshui-zhengming.yaml"
        text = source.read_text(encoding="utf-8")
        source.write_text(text.replace("\nsummary: ", "\nsummary: 【已更新】", 1).replace("\nname: ", "\nname: 新名", 1), encoding="utf-8")
        served = _wait_for(url, lambda html: "【已更新】" in html, 60)
        # Lists the renderer lays out catch up in the background.
        _wait_for(f"http://127.0.0.1:{port}/departments/swj/", lambda html: "新名开具个人完税证明" in html, 60)
        # The page rendered on request after the save is the page a full release build publishes.
        site = tmp_path / "full"
        build(root, Audience.PUBLIC, site)
        assert _LIVERELOAD.sub("", served) == (site / "matters" / "wanshui-zhengming" / "index.html").read_text(encoding="utf-8")
        # A broken save keeps the last good page and says what is wrong on it (every page), instead of taking the
        # page down; fixed, the problems go.
        source.write_text(text.replace("\nsummary: ", "\nsumary: ", 1), encoding="utf-8")
        problem = f"matters/wanshui-zhengming.yaml:{text[:text.index(chr(10) + 'summary: ') + 1].count(chr(10)) + 1}:1: 未知字段“sumary”"
        broken = _wait_for(url, lambda html: problem in html, 60)
        assert "【已更新】" in broken  # the last good page
        assert problem in _wait_for(f"http://127.0.0.1:{port}/halls/district-hall/", lambda html: problem in html, 60)
        source.write_text(text, encoding="utf-8")
        _wait_for(url, lambda html: "baike-preview-problems" not in html and "完税证明" in html, 60)
    finally:
        server.terminate()
        _, err = server.communicate(timeout=20)
    assert "未知字段“sumary”" in err.decode("utf-8")
