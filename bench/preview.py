"""Edit-to-preview benchmark (issue #7): with N matters served for preview, save one matter's YAML and poll the
served page until the change appears. Goal: ≤ 2 s at 5,000 matters.

    .venv/bin/python bench/preview.py --matters 5000
    .venv/bin/python bench/preview.py --matters 1000 --edits 2

The server is the project's preview: `python -m mkdocs serve --dirty` on 127.0.0.1 with the project's hook
(build_tools/mkdocs_adapter/hooks.py), started in the synthetic tree exactly as `make serve` starts it in the repository
(but through `python -m`, so the hook can import build_tools). One edit appends a marker to the summary of a matter.

Two moments count, and the latency is the later of the two, measured from the save:
  page      the first response of the matter's page that contains the marker (polled every 50 ms; the preview
            renders a matter page on request from the newest valid content, build_tools/mkdocs_adapter/preview.py)
  reload    the server's "Reloading browsers" line: live reload tells an open browser to reload the page now
            (not "Documentation built in N seconds": MkDocs logs each distinct message of its build logger once,
            so a second build that took the same time as an earlier one would not show it)
Also shown: watch (save -> "Building documentation", the file watcher), the number of builds one save set off
(one; two when the change shows on a list page: the background regeneration then writes that page's source into
the docs folder, and the watcher sees it) and when the last of them finished (lists up to date). The search
index and QR files are written into the served site directly, without a build.
Then (unless --no-analyse) what runs before the reload, and what runs in the background, is re-run in this process
with publish.Timings.
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402

common.ensure_venv()

GOAL_S = 2.0
POLL_S = 0.05
STARTED = r"Building documentation"
#: A build ended: the first one ("Serving on" follows it), a rebuild, or a rebuild that failed.
ENDED = r"Serving on|Reloading browsers|An error happened during the rebuild|Aborted with"
RELOADED = r"Reloading browsers"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str, timeout: float = 10) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as r:
            return r.read().decode("utf-8", errors="replace")
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
        return None


class Server:
    """`python -m mkdocs serve` in the tree; every output line is kept with the time it arrived."""

    def __init__(self, tree: Path, port: int, dirty: bool, log: Path):
        self.tree, self.port = tree, port
        cmd = [sys.executable, "-m", "mkdocs", "serve", "-f", str(tree / "mkdocs.yml"), "--dev-addr", f"127.0.0.1:{port}"]
        if dirty:
            cmd.append("--dirty")
        self.log = open(log, "w", encoding="utf-8")
        self.lines: list[tuple[float, str]] = []
        self.proc = subprocess.Popen(cmd, cwd=tree, env=common.bench_env(BAIKE_AUDIENCE="public"), stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, text=True, encoding="utf-8", errors="replace", bufsize=1)
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.proc.stdout:
            self.lines.append((time.perf_counter(), line.rstrip("\n")))
            self.log.write(line)
            self.log.flush()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}/{path}"

    def first(self, pattern: str, after: float) -> float | None:
        rx = re.compile(pattern)
        return next((t for t, line in list(self.lines) if t >= after and rx.search(line)), None)

    def count(self, pattern: str, after: float) -> int:
        rx = re.compile(pattern)
        return sum(1 for t, line in list(self.lines) if t >= after and rx.search(line))

    def wait_quiet(self, after: float, quiet: float = 3.0, timeout: float = 3600) -> None:
        """Until every build started after `after` has finished and nothing was logged for `quiet` seconds."""
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            starts, ends = self.count(STARTED, after), self.count(ENDED, after)
            last = self.lines[-1][0] if self.lines else 0
            if starts <= ends and time.perf_counter() - last >= quiet:
                return
            if self.proc.poll() is not None:
                raise SystemExit("the preview server stopped; see " + self.log.name)
            time.sleep(0.2)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)   # mkdocs serve removes its temporary site folder on Ctrl-C
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


def pick_matters(tree: Path, k: int) -> list[str]:
    """`k` matters spread over the tree (deterministic), only those a citizen can apply for (in 办 or 暂停): a
    cancelled, merged or delegated matter's page shows its tombstone or successor, not its summary."""
    gone = re.compile(r"(?m)^\s*state: (取消|合并|下放)\s*$")
    ids = sorted(p.stem for p in (tree / "matters").glob("*.yaml") if not gone.search(p.read_text(encoding="utf-8")))
    step = max(1, len(ids) // (k + 1))
    return [ids[min(len(ids) - 1, step * (i + 1))] for i in range(k)]


def edit_summary(path: Path, marker: str) -> bytes:
    """Append `marker` to the matter's one-line summary; returns the original bytes."""
    original = path.read_bytes()
    text = original.decode("utf-8")
    new, n = re.subn(r"(?m)^(summary: .*)$", lambda m: m.group(1) + marker, text, count=1)
    if n != 1:
        raise SystemExit(f"no one-line summary in {path}")
    path.write_bytes(new.encode("utf-8"))
    return original


def measure_edit(server: Server, tree: Path, matter: str, k: int, timeout: float) -> dict:
    marker = f"预览测试标记{k}x{os.getpid()}x{int(time.time())}"
    path = tree / "matters" / f"{matter}.yaml"
    url = server.url(f"matters/{matter}/")
    t0 = time.perf_counter()
    original = edit_summary(path, marker)
    seen = None
    while time.perf_counter() - t0 < timeout:
        body = fetch(url)
        if body is not None and marker in body:
            seen = time.perf_counter()
            break
        time.sleep(POLL_S)
    server.wait_quiet(t0)
    built = server.first(RELOADED, t0)
    start = server.first(STARTED, t0)
    finished = [t for t, line in list(server.lines) if t >= t0 and re.search(RELOADED, line)]
    r = {"matter": matter, "original": original, "path": path, "builds": server.count(STARTED, t0),
         "latency": (max(seen, built) - t0) if seen and built else None}
    r["phases"] = {
        "watch": (start - t0) if start else None,
        "page": (seen - t0) if seen else None,
        "reload": (built - t0) if built else None,
        "lists": (finished[-1] - t0) if finished else None,
    }
    return r


def analyse(tree: Path) -> dict[str, float]:
    """What a save runs before the reload (validation: first, and again after one file changed, with the preview's
    cache of unchanged files), and what the background regeneration runs."""
    from build_tools.load import FileCache
    from build_tools.model import Audience, load_catalogue, view
    from build_tools.publish import Timings
    from build_tools.publish.outputs import BuildInput, make_output, output_tasks
    from build_tools.render.site import render_site
    from build_tools.settings import load_settings

    timings, cache = Timings(), FileCache()
    timings.run("校验（首次）", load_catalogue, tree, None, cache)
    saved = sorted((tree / "matters").glob("*.yaml"))[0]
    saved.touch()  # what a save changes: one file's stamp
    catalogue = timings.run("校验（保存一个文件后）", load_catalogue, tree, None, cache)
    visible, settings = view(catalogue, Audience.PUBLIC), load_settings(tree)
    timings.run("后台：列表等页面", render_site, visible, settings, Audience.PUBLIC, shells=False)
    given = BuildInput(visible, settings, Audience.PUBLIC, tree, preview=True)
    for name, key in output_tasks(given):
        timings.run(f"后台：{name}", make_output, given, name, key)
    return timings.stages


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--matters", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--edits", type=int, default=1, help="edits to measure, one after another (default 1)")
    parser.add_argument("--clean", action="store_true", help="serve without --dirty (MkDocs rebuilds every page it owns)")
    parser.add_argument("--timeout", type=float, default=1800, help="seconds to wait for the server and for each edit")
    parser.add_argument("--no-analyse", action="store_true", help="skip re-running the generate step with per-stage timings")
    args = parser.parse_args(argv)

    tree = common.synth_tree(args.matters, args.seed)
    port = free_port()
    log = common.OUT / "logs" / f"preview-{args.matters}.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    print(f"== preview of {args.matters} matters: {tree}, http://127.0.0.1:{port}/, log {log}; load average {common.load_average()} ==",
          file=sys.stderr)
    matters = pick_matters(tree, args.edits)
    t_start = time.perf_counter()
    server = Server(tree, port, not args.clean, log)
    results = []
    try:
        first_page = server.url(f"matters/{matters[0]}/")
        while fetch(first_page) is None:
            if server.proc.poll() is not None:
                raise SystemExit("the preview server stopped; see " + str(log))
            if time.perf_counter() - t_start > args.timeout:
                raise SystemExit("the preview server did not come up in time; see " + str(log))
            time.sleep(0.5)
        server.wait_quiet(t_start)
        startup = time.perf_counter() - t_start
        print(f"  server up (first full build) in {startup:.1f} s", file=sys.stderr)
        for k, matter in enumerate(matters, start=1):
            print(f"  edit {k}: matters/{matter}.yaml ...", file=sys.stderr)
            results.append(measure_edit(server, tree, matter, k, args.timeout))
    finally:
        server.stop()
        for r in results:   # put the tree back as it was (after the server is gone: no rebuild)
            r["path"].write_bytes(r["original"])

    print(f"\n=== edit to preview, {args.matters} matters{' (mkdocs serve, clean rebuilds)' if args.clean else ''}; "
          f"load average after: {common.load_average()} ===")
    print(f"  server start-up (first full build): {startup:.1f} s")
    for r in results:
        lat = f"{r['latency']:.2f} s" if r["latency"] is not None else f"not seen within {args.timeout:.0f} s"
        verdict = "met" if r["latency"] is not None and r["latency"] <= GOAL_S else "NOT met"
        print(f"  matters/{r['matter']}.yaml -> page updated after {lat} (goal ≤ {GOAL_S:.0f} s: {verdict}); "
              f"builds started by the one save: {r['builds']}")
        for name, sec in r["phases"].items():
            print(f"    {name:<9} {sec:7.2f} s" if sec is not None else f"    {name:<9}       ? (not seen in the log)")
    if not args.no_analyse:
        stages = analyse(tree)
        print("  re-run in-process (publish.Timings, nothing changed on disk):")
        for name, sec in stages.items():
            print(f"    {common.pad(name, 14)} {sec:7.2f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
