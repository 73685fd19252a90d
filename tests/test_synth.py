"""`bench/synth.py`: synthetic content trees for benchmarks are valid, deterministic, of the size asked
for, and build with the project's own build. (No timings here: bench/ measures them.)"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

from bench.synth import MARKER, SynthError, load_templates, plan, write
from build_tools.model import Audience
from build_tools.publish import build
from build_tools.validate import validate_tree

from .conftest import PYTHON, TODAY
from .support import REPO


def synth_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([PYTHON, "bench/synth.py", *args], cwd=REPO, capture_output=True, text=True, encoding="utf-8", timeout=300)


def tree_bytes(root: Path) -> dict[str, bytes | str]:
    """Every file of a tree by relative path (symlinks by their target), without following build_tools/."""
    out: dict[str, bytes | str] = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in [*dirnames, *filenames]:
            path = Path(dirpath) / name
            rel = path.relative_to(root).as_posix()
            if path.is_symlink():
                out[rel] = "-> " + os.readlink(path)
            elif path.is_file():
                out[rel] = path.read_bytes()
        dirnames[:] = [d for d in dirnames if not (Path(dirpath) / d).is_symlink()]
    return out


@pytest.fixture(scope="module")
def templates():
    return load_templates()


def test_cli_output_validates_with_the_validate_command(tmp_path):
    out = tmp_path / "tree"
    made = synth_cli("--matters", "60", "--out", str(out), "--seed", "3")
    assert made.returncode == 0, made.stderr
    checked = subprocess.run([PYTHON, "-m", "build_tools", "validate", "--root", str(out)], cwd=REPO, capture_output=True,
                             text=True, encoding="utf-8", timeout=300)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "60 个事项" in checked.stderr


@pytest.mark.parametrize("n", [1, 30, 45, 130])
def test_exactly_n_matters_and_everything_has_a_code(tmp_path, n):
    root = tmp_path / "tree"
    write(root, n, seed=0)
    result = validate_tree(root, today=TODAY)
    assert result.ok, "\n".join(map(str, result.problems[:20]))
    assert len(result.parsed.matters) == n
    assert len(list((root / "matters").glob("*.yaml"))) == n
    codes = (root / "registry" / "codes.yaml").read_text(encoding="utf-8")
    assert len(re.findall(r"(?m)^  M\d{4,}:", codes)) == n


def test_shaped_like_the_sample(tmp_path, templates):
    """Varied names, ids and implementation codes; SOPs and guides that reference the synthetic matters; the
    sample's halls and departments; everything needed to build on its own."""
    n = 2 * len(templates.matters) + 5
    root = tmp_path / "tree"
    p = write(root, n, seed=1)
    result = validate_tree(root, today=TODAY)
    assert result.ok, "\n".join(map(str, result.problems[:20]))
    matters = [m for _, m in result.parsed.matters.values()]
    assert len({m.name for m in matters}) == n
    assert len({m.codes.implementation for m in matters}) == n
    assert p.counts["sops"] > len(templates.window_sops) and p.counts["guides"] >= 2 * len(templates.guides)
    ids = set(result.parsed.matters)
    assert all(s.matter in ids for _, s in result.parsed.sops.values() if s.matter)
    assert {h for h in result.parsed.halls} == {p.stem for p in (REPO / "halls").glob("*.yaml")}
    assert {d for d in result.parsed.departments} == {p.stem for p in (REPO / "departments").glob("*.yaml")}
    for rel in ("site.yaml", "mkdocs.yml", "generated/.gitignore", "theme/main.html", "build_tools/mkdocs_adapter/hooks.py", MARKER):
        assert (root / rel).is_file(), rel
    first = (root / "matters" / f"{matters[0].id}.yaml").read_text(encoding="utf-8").splitlines()[0]
    assert first == "# yaml-language-server: $schema=../schemas/matter.schema.json"


def test_same_seed_gives_a_byte_identical_tree(tmp_path):
    a, b, c = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    write(a, 50, seed=7)
    write(b, 50, seed=7)
    write(c, 50, seed=8)
    assert tree_bytes(a) == tree_bytes(b)
    assert tree_bytes(a) != tree_bytes(c)
    assert plan(50, seed=7).files == plan(50, seed=7).files


def test_rewrites_its_own_tree_but_never_a_foreign_folder(tmp_path):
    root = tmp_path / "tree"
    write(root, 50, seed=0)
    write(root, 10, seed=0)   # an earlier synthetic tree is replaced, not merged
    assert len(list((root / "matters").glob("*.yaml"))) == 10
    fresh = tmp_path / "fresh"
    write(fresh, 10, seed=0)
    assert tree_bytes(root) == tree_bytes(fresh)
    foreign = tmp_path / "content"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("keep me", encoding="utf-8")
    with pytest.raises(SynthError):
        write(foreign, 10)
    assert (foreign / "notes.txt").read_text(encoding="utf-8") == "keep me"
    with pytest.raises(SynthError):
        write(REPO, 10)
    made = synth_cli("--matters", "5", "--out", str(foreign))
    assert made.returncode != 0 and "Traceback" not in made.stderr


def test_rewriting_the_same_tree_leaves_its_files_in_place(tmp_path):
    """The benchmarks rewrite their tree before every timed build: deleting and recreating thousands of files
    would make that build slower on ext4 (bench/common.py, clear)."""
    root = tmp_path / "tree"
    write(root, 20, seed=3)
    inodes = {p: p.stat().st_ino for p in root.rglob("*.yaml")}
    (root / "site.yaml").write_text("# edited\n", encoding="utf-8")
    (root / "matters" / "stale.yaml").write_text("id: stale\n", encoding="utf-8")
    write(root, 20, seed=3)
    assert {p: p.stat().st_ino for p in root.rglob("*.yaml")} == inodes
    assert (root / "site.yaml").read_bytes() == (REPO / "site.yaml").read_bytes()
    write(tmp_path / "fresh", 20, seed=3)
    assert tree_bytes(root) == tree_bytes(tmp_path / "fresh")


def test_small_tree_builds_with_the_project_build(tmp_path):
    root = tmp_path / "tree"
    write(root, 30, seed=0)
    site = root / "site"
    build(root.resolve(), Audience.PUBLIC, site)
    pages = list((site / "matters").glob("*/index.html"))
    assert len(pages) == 30
    assert (site / "index.html").is_file() and (site / "search" / "lexicon.json").is_file()
    assert any("（" in p.read_text(encoding="utf-8") for p in pages)
