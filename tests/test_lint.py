"""ruff and mypy over the repository, with the settings of pyproject.toml, so that `make test` fails on a lint or
type error. Both are pinned in requirements-dev.txt; the output is printed, so a failure shows what to fix."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    done = subprocess.run([sys.executable, "-m", *args], cwd=REPO, capture_output=True, text=True, timeout=600)
    print(done.stdout, done.stderr, sep="\n")
    return done


def test_ruff():
    done = _run("ruff", "check", "--no-cache", "--output-format", "concise", ".")
    assert done.returncode == 0, done.stdout + done.stderr


def test_mypy(tmp_path):
    # a cache of its own: two test workers, or a developer's mypy, never share one
    done = _run("mypy", "--cache-dir", str(tmp_path / "mypy-cache"))
    assert done.returncode == 0, done.stdout + done.stderr
