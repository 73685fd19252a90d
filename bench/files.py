"""File-system benchmark (issue #7): what writing a built site's files costs on this disk, apart from making them.

    .venv/bin/python bench/files.py --site bench/out/synth-5000-s0/site --site bench/out/peer-5000-s0/site

For each site, its files are read into memory, then written again (same relative paths, same bytes, same folders)
into a new folder beside it, and the write is timed: wall, user and kernel (sys) seconds. The copy is then moved
into bench/out/.trash (so a site must be on the same file system as bench/out, or BAIKE_BENCH_OUT) and deleted at
the end (see common.clear: on an ext4 without a journal, a deletion makes the next file creations slower for a few
minutes). Creating a file costs kernel time whatever its size, so a site of many small files (QR
images, short-link pages, search shards, per-matter JSON) pays more than its bytes suggest: this is the share of
bench/build.py's kernel time that no change to the compiler removes, short of writing fewer files.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402

common.ensure_venv()


def read_site(site: Path) -> dict[str, bytes]:
    files = {}
    for dirpath, _dirs, names in os.walk(site):
        for name in names:
            path = os.path.join(dirpath, name)
            with open(path, "rb") as f:
                files[os.path.relpath(path, site)] = f.read()
    return files


def write_copy(files: dict[str, bytes], target: Path) -> dict[str, tuple[int, float, float, float]]:
    """Write every file under `target` as a build would (folder first, then the file), one top folder after
    another; for each top folder: files, wall, user and sys seconds."""
    by_top: dict[str, list[str]] = {}
    for rel in files:
        by_top.setdefault(rel.split(os.sep, 1)[0] if os.sep in rel else "(top)", []).append(rel)
    times = {}
    for top, rels in by_top.items():
        before, start = resource.getrusage(resource.RUSAGE_SELF), time.perf_counter()
        for rel in rels:
            path = target / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(files[rel])
        after = resource.getrusage(resource.RUSAGE_SELF)
        times[top] = (len(rels), time.perf_counter() - start, after.ru_utime - before.ru_utime, after.ru_stime - before.ru_stime)
    return times


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--site", type=Path, action="append", required=True, help="a built site (repeatable)")
    args = parser.parse_args(argv)
    rows = []
    try:
        for site in args.site:
            files = read_site(site)
            target = site.with_name(f".{site.name}-files-copy")
            common.clear(target)
            os.sync()
            rows.append((str(site), sum(map(len, files.values())), write_copy(files, target)))
            common.clear(target)
    finally:
        common.empty_trash()
    print("=== writing a built site's files again (os.sync before each) ===")
    for site, size, times in rows:
        count, wall, user, sys_s = (sum(t[i] for t in times.values()) for i in range(4))
        print(f"  {site}: {count} files, {common.human(size)} -> {wall:.2f} s wall, {user:.2f} s user, {sys_s:.2f} s kernel "
              f"({1e6 * sys_s / max(count, 1):.0f} µs kernel per file)")
        biggest = sorted(times.items(), key=lambda kv: -kv[1][3])[:6]
        print("    kernel by top folder: " + ", ".join(f"{top} {t[3]:.2f} s ({t[0]} files)" for top, t in biggest))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
