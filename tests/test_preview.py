"""The preview behind `make serve`, driven through the hooks MkDocs calls but without MkDocs: a broken save puts
its problems on every page served until a save fixes them, and the worker's regenerated docs folder is written only
between builds (issue #20: a source rewritten during a `--dirty` rebuild failed a hall page with "argument of type
'NoneType' is not iterable")."""

from __future__ import annotations

import hashlib
from pathlib import Path
from types import SimpleNamespace

import pytest

from build_tools.mkdocs_adapter import hooks
from build_tools.mkdocs_adapter.preview import _previews, preview_for, with_problems
from build_tools.model import Audience
from build_tools.publish.generate import _Regeneration
from build_tools.workers import Pool

from .support import copy_project

PAGE = b'<html><body class="x"><div><article class="md-content__inner md-typeset"><h1>\xe9\xa1\xb5</h1></article></div></body></html>'


def _docs(root: Path) -> dict[str, str]:
    docs = root / "generated" / "public"
    return {p.relative_to(docs).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(docs.rglob("*")) if p.is_file()}


def _served(preview, content_type: str = "text/html; charset=utf-8", body: bytes = PAGE) -> tuple[str, dict, bytes]:
    def app(environ, start_response):
        start_response("200 OK", [("Content-Type", content_type), ("Content-Length", str(len(body)))])
        return [body]

    answer: dict = {}
    data = b"".join(preview.respond(app, {"PATH_INFO": "/"}, lambda status, headers: answer.update(status=status, headers=dict(headers))))
    return answer["status"], answer["headers"], data


@pytest.fixture
def serving(tmp_path):
    """A content tree as `mkdocs serve` sees it: the hooks told they serve, the preview's worker run in this process."""
    root = copy_project(tmp_path / "p")
    hooks.on_startup("serve", True)
    preview = preview_for(Audience.PUBLIC)
    preview.worker = Pool(0, _Regeneration(root, Audience.PUBLIC))
    config = SimpleNamespace(config_file_path=str(root / "mkdocs.yml"), extra={}, docs_dir="", site_name="", site_url="")
    try:
        yield root, preview, config
    finally:
        preview.worker.close()
        _previews.pop(Audience.PUBLIC, None)
        hooks.on_startup("build", False)


def test_a_broken_save_shows_its_problems_on_every_page_until_fixed(serving):
    root, preview, config = serving
    hooks.on_config(config)
    preview.build_finished()
    assert preview.problems == [] and _served(preview)[2] == PAGE
    source = root / "matters" / "wanshui-zhengming.yaml"
    good = source.read_text(encoding="utf-8")
    source.write_text(good.replace("\nsummary: ", "\nsumary: ", 1), encoding="utf-8")
    hooks.on_config(config)
    hooks.on_build_error(RuntimeError("any"))
    line = good[: good.index("\nsummary: ") + 1].count("\n") + 1
    unknown = f"matters/wanshui-zhengming.yaml:{line}:1: 未知字段“sumary”；是不是要写“summary”？"
    assert unknown in [str(p) for p in preview.problems]
    status, headers, page = _served(preview)
    assert status == "200 OK" and int(headers["Content-Length"]) == len(page)
    box = page.index(b'<div class="admonition failure" role="alert" id="baike-preview-problems">')
    assert page.index(b'<article class="md-content__inner md-typeset">') < box < page.index(b"<h1>")
    assert f"<li><code>{unknown}</code></li>".encode() in page
    assert _served(preview, "text/plain", b"x")[2] == b"x"  # only pages get the box
    assert _served(preview, body=b"<html><body>404</body></html>")[2].startswith(b'<html><body><div class="admonition failure"')
    source.write_text(good, encoding="utf-8")
    hooks.on_config(config)
    preview.build_finished()
    assert preview.problems == [] and _served(preview)[2] == PAGE


def test_the_regenerated_docs_folder_is_written_only_between_builds(serving):
    root, preview, config = serving
    hooks.on_config(config)
    preview.build_finished()
    before = _docs(root)
    source = root / "matters" / "wanshui-zhengming.yaml"
    source.write_text(source.read_text(encoding="utf-8").replace("\nname: ", "\nname: 新名", 1), encoding="utf-8")
    hooks.on_config(config)  # a rebuild starts; the worker regenerates the lists meanwhile (here: at once)
    assert _docs(root) == before, "MkDocs is reading the docs folder: nothing may change under it"
    preview.build_finished()
    after = _docs(root)
    assert [rel for rel in after if after[rel] != before.get(rel)], "the lists with the new name are written now"
    assert "新名开具个人完税证明".encode() in (root / "generated" / "public" / "departments" / ".swj.aside.json").read_bytes()


def test_the_box_goes_at_the_top_of_the_body_when_the_page_has_no_article():
    html = with_problems(b"<!doctype html><html><body>\n<p>x</p></body></html>", [])
    assert html.startswith(b'<!doctype html><html><body><div class="admonition failure"')
