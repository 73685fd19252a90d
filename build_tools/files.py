"""Writing a build's files: a folder of them at once, only what changed, or moved in from another folder."""

from __future__ import annotations

from pathlib import Path


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
