"""When each content file was first and last committed, read from git once per build.

One `git log --name-only` over the content folders gives every file's dates, so a catalogue of thousands of
matters costs one process, not one per file. Without git (a tarball, a copy made by the tests) there are no
dates and pages simply leave them out.
"""

from __future__ import annotations

import datetime as dt
import subprocess
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ..schema import CONTENT_TYPES

#: Starts each commit's header line in the log, so a header can never be mistaken for a file name.
_MARK = "\x1e"


@dataclass(frozen=True)
class FileDates:
    """`first` is None in a shallow clone, where the oldest commit seen is not the file's real first one."""

    first: dt.date | None
    last: dt.date


def git_file_dates(root: Path) -> dict[str, FileDates]:
    """Path relative to `root` (POSIX) -> its commit dates; empty when `root` is not in a git work tree."""
    head = _git(root, "rev-parse", "HEAD")
    return {} if head is None else dict(_dates_at(root, head))


@lru_cache(maxsize=4)
def _dates_at(root: Path, head: str) -> dict[str, FileDates]:
    """The dates as of commit `head`: a preview server asks on every save, and only a commit changes them."""
    folders = [t.folder for t in CONTENT_TYPES]
    log = _git(root, "log", f"--format={_MARK}%cs", "--name-only", "--relative", "--", *folders)
    if log is None:
        return {}
    shallow = _git(root, "rev-parse", "--is-shallow-repository") == "true\n"
    newest: dict[str, dt.date] = {}
    oldest: dict[str, dt.date] = {}
    date = None
    for line in log.split("\n"):  # not splitlines(): it would split at the mark too
        if line.startswith(_MARK):
            date = dt.date.fromisoformat(line[len(_MARK):])
        elif line and date is not None:
            newest.setdefault(line, date)
            oldest[line] = date
    return {path: FileDates(None if shallow else oldest[path], last) for path, last in newest.items()}


def _git(root: Path, *args: str) -> str | None:
    try:
        proc = subprocess.run(["git", "-C", str(root), "-c", "core.quotePath=false", *args], capture_output=True, text=True, encoding="utf-8")
    except OSError:  # git is not installed
        return None
    return proc.stdout if proc.returncode == 0 else None
