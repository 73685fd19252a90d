"""bench/files.py times the kernel's part of writing a site: it must write exactly the site's files, and count them
under the right top folder, or its figures describe some other site."""

from __future__ import annotations

import importlib.util
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def _files_bench():
    spec = importlib.util.spec_from_file_location("bench_files", REPO / "bench" / "files.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_copy_is_the_site_file_for_file_and_counted_by_top_folder(tmp_path):
    bench = _files_bench()
    site = tmp_path / "site"
    made = {"index.html": b"<p>home</p>", "qr/M0001.svg": b"<svg/>", "qr/M0001.png": b"\x89PNG",
            "matters/a/index.html": "办事指南".encode(), "Q/M0001/index.html": b"", "api/matters/a.json": b"{}"}
    for rel, data in made.items():
        (site / rel).parent.mkdir(parents=True, exist_ok=True)
        (site / rel).write_bytes(data)

    files = bench.read_site(site)
    times = bench.write_copy(files, tmp_path / "copy")

    copied = {str(p.relative_to(tmp_path / "copy")): p.read_bytes() for p in (tmp_path / "copy").rglob("*") if p.is_file()}
    assert copied == made
    assert {top: t[0] for top, t in times.items()} == {"(top)": 1, "qr": 2, "matters": 1, "Q": 1, "api": 1}
    assert all(wall >= 0 and user >= 0 and kernel >= 0 for _, wall, user, kernel in times.values())
