"""Writing a build's files: a folder of them at once, only what changed, or moved in from another folder; CSV for
spreadsheets; and the marker that says a folder is a site this program built (and so may be replaced)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from pathlib import Path

#: Written into every site a build publishes. Only a folder that has it (or an empty or missing one) is replaced:
#: `build --out .` must not swap the repository, `.git` included, for a site.
SITE_MARKER = ".baike-site"
_MARKER_TEXT = "这个文件夹是 python -m build_tools build 生成的网站；下次构建会整个替换它。请不要在里面放其他文件。\n"


def mark_site(folder: Path) -> None:
    (folder / SITE_MARKER).write_text(_MARKER_TEXT, encoding="utf-8")


def replaceable(folder: Path) -> bool:
    """Whether a build may replace `folder`: it does not exist, is empty, or is a site a build made."""
    if not folder.exists():
        return True
    if not folder.is_dir():
        return False
    return (folder / SITE_MARKER).is_file() or not any(folder.iterdir())


#: What makes a spreadsheet read a cell as a formula (OWASP: CSV injection): `=HYPERLINK(…)`, `+SUM(1,1)`, `@SUM`,
#: `-cmd|…`, and a tab or carriage return before one.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_QUOTE = "'"


def csv_cell(value: object) -> object:
    """A cell as written to CSV: text a spreadsheet would run as a formula gets a leading apostrophe (Excel and
    LibreOffice show it as text), and so does text that starts with an apostrophe, so `csv_value` can undo exactly
    this and nothing else."""
    if isinstance(value, str) and value.startswith((*FORMULA_START, _QUOTE)):
        return _QUOTE + value
    return value


def csv_value(cell: str) -> str:
    """The text `csv_cell` was given."""
    return cell[1:] if cell.startswith(_QUOTE) and cell[1:].startswith((*FORMULA_START, _QUOTE)) else cell


def csv_bytes(rows: Iterable[Iterable[object]]) -> bytes:
    """Rows as CSV for spreadsheets: UTF-8 with a byte-order mark (so Excel reads the Chinese), CRLF line ends,
    every cell through `csv_cell`; None is an empty cell. Every CSV the build writes is written here."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerows([csv_cell(value) for value in row] for row in rows)
    return out.getvalue().encode("utf-8-sig")


def write_files(folder: Path, files: dict[str, bytes]) -> None:
    """Write every file (site-relative path -> bytes) under `folder`, making folders as needed."""
    for rel, data in files.items():
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_bytes(data)


def move_into(source: Path, target: Path) -> None:
    """Move every file of `source` into the same place under `target` (whole folders by one rename where `target`
    has none of that name)."""
    for entry in source.iterdir():
        there = target / entry.name
        if entry.is_dir() and there.is_dir():
            move_into(entry, there)
        else:
            entry.rename(there)


def write_tree(files: dict[str, bytes], out: Path, prune: bool = True) -> list[str]:
    """Write `files` under `out`, touching only files whose bytes changed (so a live-reloading server
    rebuilds just those pages) and (with `prune`) deleting generated files that no longer exist. Returns changed paths."""
    out.mkdir(parents=True, exist_ok=True)
    changed = []
    for rel, data in files.items():
        target = out / rel
        if target.is_file() and target.read_bytes() == data:
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(target.name + ".tmp")
        tmp.write_bytes(data)
        tmp.replace(target)
        changed.append(rel)
    if not prune:
        return changed
    wanted = {out / rel for rel in files}
    for existing in sorted(out.rglob("*"), reverse=True):
        if existing.is_file() and existing not in wanted:
            existing.unlink()
            changed.append(existing.relative_to(out).as_posix())
        elif existing.is_dir() and not any(existing.iterdir()):
            existing.rmdir()
    return changed
