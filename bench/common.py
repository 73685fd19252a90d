"""Shared helpers for the benchmark scripts in bench/: run a command and measure it, make synthetic trees,
sizes of built sites, and a loopback HTTP server. Scripts print figures; nothing here asserts timings."""

from __future__ import annotations

import http.server
import os
import shutil
import subprocess
import sys
import threading
import time
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
#: Synthetic trees, their builds and logs: bench/out (git-ignored), or BAIKE_BENCH_OUT, e.g. a tmpfs folder to see
#: how much of a build is the file system's (creating tens of thousands of files costs kernel time on ext4).
OUT = Path(os.environ.get("BAIKE_BENCH_OUT") or REPO / "bench" / "out")
VENV_PYTHON = REPO / ".venv" / "bin" / "python"


def ensure_venv() -> None:
    """Re-run this script with the project's virtual environment when started with another Python."""
    try:
        import mkdocs  # noqa: F401
        import pydantic  # noqa: F401
    except ImportError as missing:
        if VENV_PYTHON.exists() and Path(sys.executable).resolve() != VENV_PYTHON.resolve():
            os.execv(str(VENV_PYTHON), [str(VENV_PYTHON), *sys.argv])
        raise SystemExit("run `make test-fast` (or create .venv) first: mkdocs and pydantic are needed") from missing
    if str(REPO) not in sys.path:
        sys.path.insert(0, str(REPO))


def bench_env(**extra: str) -> dict[str, str]:
    return {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONDONTWRITEBYTECODE": "1", **extra}


# ------------------------------------------------------------------------------------------ measured runs

@dataclass
class Run:
    """One measured command: wall and CPU seconds, peak memory, exit code and output."""

    cmd: list[str]
    wall: float
    user: float
    sys: float
    maxrss_kb: int           # largest single process of the tree (wait4 rusage: the child and descendants it waited for)
    tree_peak_kb: int        # largest sum of RSS over the live process tree, sampled every 0.1 s
    returncode: int
    stdout: str
    stderr: str

    @property
    def cpu(self) -> float:
        return self.user + self.sys

    def check(self) -> "Run":
        if self.returncode != 0:
            raise SystemExit(f"command failed ({self.returncode}): {' '.join(self.cmd)}\n{self.stderr[-4000:]}\n{self.stdout[-2000:]}")
        return self


_PAGE_KB = os.sysconf("SC_PAGE_SIZE") // 1024


def _proc_table() -> dict[int, tuple[int, int]]:
    """pid -> (ppid, rss in KB) for every live process, from /proc/<pid>/stat."""
    table = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as f:
                stat = f.read()
        except OSError:
            continue
        fields = stat[stat.rfind(b")") + 2:].split()
        table[int(entry.name)] = (int(fields[1]), int(fields[21]) * _PAGE_KB)
    return table


def _tree_rss(root: int) -> int:
    table = _proc_table()
    children: dict[int, list[int]] = {}
    for pid, (ppid, _) in table.items():
        children.setdefault(ppid, []).append(pid)
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        if pid in table:
            total += table[pid][1]
        stack.extend(children.get(pid, ()))
    return total


def measure(cmd: list[str], cwd: Path | None = None, env: dict[str, str] | None = None, sample: bool = True) -> Run:
    """Run `cmd` to completion and measure it; output is captured through files (no pipe dead-locks)."""
    log = OUT / "logs"
    log.mkdir(parents=True, exist_ok=True)
    out_path, err_path = log / f"run-{os.getpid()}.out", log / f"run-{os.getpid()}.err"
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, env=env or bench_env(), stdout=out, stderr=err)
        peak = [0]
        done = threading.Event()

        def sampler() -> None:
            while not done.is_set():
                peak[0] = max(peak[0], _tree_rss(proc.pid))
                done.wait(0.1)

        thread = threading.Thread(target=sampler, daemon=True)
        if sample:
            thread.start()
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        done.set()
        if sample:
            thread.join()
        proc.returncode = os.waitstatus_to_exitcode(status)
    return Run(cmd, wall, usage.ru_utime, usage.ru_stime, usage.ru_maxrss, peak[0], proc.returncode,
               out_path.read_text(encoding="utf-8", errors="replace"), err_path.read_text(encoding="utf-8", errors="replace"))


def load_average() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


# ------------------------------------------------------------------------------------------ content trees

def synth_tree(n: int, seed: int = 0, dest: Path | None = None) -> Path:
    """A synthetic content tree of `n` matters, (re)written now so that its theme, mkdocs.yml and templates are the
    repository's current ones; build output already in it (site/, generated/) is left for the caller to clear."""
    from synth import write  # bench/synth.py, beside this file

    dest = dest or OUT / f"synth-{n}-s{seed}"
    start = time.perf_counter()
    write(dest, n, seed)
    print(f"  synthetic tree: {n} matters (seed {seed}) -> {dest} in {time.perf_counter() - start:.1f} s (not timed)", file=sys.stderr)
    return dest


#: Where `clear` moves old output; `empty_trash` deletes it once the timings are done.
TRASH = OUT / ".trash"


def clear(*paths: Path) -> None:
    """Move build output out of the way before a timed cold build, and flush every pending write to disk (otherwise
    the disk writes back the last run's hundreds of megabytes while the next command is timed).

    Moved, not deleted: ext4 does not give out an inode freed in the last 60-300 s again, and a build that creates
    40,000 files just after 40,000 were deleted spent 3-5 s of kernel time passing over them (`perf`: most of its
    system time in `recently_deleted`, under `__ext4_new_inode`). That is the benchmark's own cleanup, not the
    build: a fresh clone has nothing to delete."""
    for path in paths:
        if path.is_dir() and not path.is_symlink():
            TRASH.mkdir(parents=True, exist_ok=True)
            path.rename(TRASH / f"{path.name}-{time.time_ns()}")
    os.sync()


def empty_trash() -> None:
    """Delete what `clear` moved aside: call it after the last timed command."""
    if TRASH.exists():
        shutil.rmtree(TRASH, ignore_errors=True)
        print("  old output deleted: on ext4, files created in the next 6 minutes cost more kernel time (see clear); "
              "wait that long before timing again", file=sys.stderr)


# ------------------------------------------------------------------------------------------ sizes

@dataclass
class SiteSize:
    files: int = 0
    bytes: int = 0
    html_files: int = 0
    html_bytes: int = 0
    by_top: dict[str, int] = field(default_factory=dict)

    def add(self, rel: str, size: int) -> None:
        self.files += 1
        self.bytes += size
        if rel.endswith(".html"):
            self.html_files += 1
            self.html_bytes += size
        top = rel.split("/", 1)[0] if "/" in rel else "(top)"
        self.by_top[top] = self.by_top.get(top, 0) + size


def site_size(site: Path) -> SiteSize:
    size = SiteSize()
    for dirpath, _dirs, files in os.walk(site):
        for name in files:
            path = os.path.join(dirpath, name)
            size.add(os.path.relpath(path, site).replace(os.sep, "/"), os.path.getsize(path))
    return size


def mean_page_bytes(site: Path, section: str = "matters") -> tuple[int, float]:
    """How many `section/<x>/index.html` pages there are and their mean size in bytes."""
    sizes = [p.stat().st_size for p in (site / section).glob("*/index.html")]
    return len(sizes), (sum(sizes) / len(sizes) if sizes else 0.0)


def display_width(text: str) -> int:
    """Columns a string takes in a terminal (CJK characters take two)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def pad(text: str, width: int) -> str:
    return text + " " * max(0, width - display_width(text))


def human(n: float) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if abs(n) < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} GB"


# ------------------------------------------------------------------------------------------ HTTP

class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


class StaticServer:
    """A loopback HTTP server for a built site, in a thread (`with StaticServer(site) as url:`)."""

    def __init__(self, root: Path):
        handler = lambda *a, **k: _QuietHandler(*a, directory=str(root), **k)  # noqa: E731
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> str:
        self.thread.start()
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/"

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
