"""The release build: the whole pipeline into a new folder, swapped in for the published site only on success.

    validate -> catalogue -> the audience's view
    -> the workers: first the docs folder (lists, halls, departments …), which MkDocs then lays out (its own
       process); meanwhile every output of `OUTPUTS` (search index, exports, short links …), into a folder aside
    -> once MkDocs is done, the workers: shell pages (matters, guides), PAGES_PER_TASK at a time, into the site
    -> outputs moved into the site, sitemap completed -> atomic swap of the output folder

One pool of worker processes does the parallel work (`workers.Pool`, given the build's input once); `jobs=1` does
it all in this process. A failed build raises and leaves the previously published site untouched, byte for byte.
"""

from __future__ import annotations

import gc
import os
import re
import shutil
import subprocess
import tempfile
import time
from concurrent.futures import Future, as_completed
from pathlib import Path

from ..files import SITE_MARKER, mark_site, move_into, replaceable, write_files, write_tree
from ..mkdocs_adapter.contract import docs_dir
from ..mkdocs_adapter.run import MkDocsBuild
from ..mkdocs_adapter.shell import Shell, fill_shells, take_shells
from ..mkdocs_adapter.sitemap import add_to_sitemap
from ..model import Audience, load_catalogue, view
from ..render.pages import shell_paths
from ..render.site import Site, render_site, shell_pages
from ..settings import load_settings
from ..workers import Pool, alive, available_cpus, state
from .outputs import BuildInput, make_output, output_tasks
from .timings import Timings

#: Shell pages a task renders: small enough that the last tasks keep the other workers waiting only briefly, large
#: enough that handing them out costs next to nothing.
PAGES_PER_TASK = 100


class OutputRefused(Exception):
    """The output folder is not one a build may replace; the message says why and what to do."""


def check_output(out: Path, root: Path) -> None:
    """Refuse, before anything is touched, to replace a folder this program did not build (`--out .` would swap
    the repository for the site), and the content repository itself or a folder holding it."""
    out = out.resolve()
    if out == root.resolve() or out in root.resolve().parents:
        raise OutputRefused(f"输出目录 {out} 是内容仓库本身或它的上级文件夹；构建会把它整个替换掉，所以没有构建。请用 --out 指定一个单独的文件夹，例如 site/")
    if not replaceable(out):
        what = "是一个文件" if out.is_file() else f"不是空文件夹，也不是本程序构建的网站（里面没有 {SITE_MARKER} 标记文件）"
        raise OutputRefused(f"输出目录 {out} {what}；构建会把它整个替换掉，为了不误删其中的文件，没有构建。"
                            f"请换一个输出目录（例如 site/），或者确认里面的文件都不要了，自己删掉它再构建")


def build(root: Path, audience: Audience, out: Path, timings: Timings | None = None, booklets: bool = False,
          jobs: int | None = None) -> Timings:
    """Full build into `out`, replacing it only on success; with `booklets`, also every hall's booklet PDF.
    `jobs`: processes working in parallel (default: one per CPU; 1: everything in this process). Raises
    `OutputRefused` if `out` is not a folder a build may replace."""
    check_output(out, root)
    timings = timings or Timings()
    settings = load_settings(root)
    catalogue = timings.run("校验", load_catalogue, root)
    given = BuildInput(view(catalogue, audience), settings, audience, root, booklets=booklets)
    gc.freeze()  # the catalogue lives to the end: later collections need not walk its million objects again
    try:
        _build(given, out.resolve(), timings, available_cpus() if jobs is None else jobs)
    finally:
        gc.unfreeze()
    return timings


def _build(given: BuildInput, out: Path, timings: Timings, jobs: int) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    _set_aside_stale(out)
    # Staging folders carry this process's id, so a later build can tell those of a killed run from a running one's.
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}-new-{os.getpid()}-", dir=out.parent))
    # Outputs are written beside the site and moved in at the end: MkDocs empties the site folder when it starts.
    aside = Path(tempfile.mkdtemp(prefix=f".{out.name}-aside-{os.getpid()}-", dir=out.parent))
    mkdocs = None
    try:
        with Pool(jobs if jobs > 1 else 0, given) as pool:
            sources = pool.submit(_write_sources)
            outputs = {pool.submit(_write_output, name, key, aside): name for name, key in output_tasks(given)}
            timings.add("生成列表等页面", timings.run("等待列表等页面", lambda: sources.result()[0]))
            mkdocs = MkDocsBuild(given.root, given.audience.value, staging)
            timings.add("MkDocs", timings.run("等待 MkDocs", mkdocs.wait))
            shells = take_shells(staging)
            total = len(shell_paths(_site(given)))
            pages = [pool.submit(_write_pages, staging, shells, range(start, min(total, start + PAGES_PER_TASK)))
                     for start in range(0, total, PAGES_PER_TASK)]
            timings.run("等待事项页面和附属文件", _collect, outputs, pages, timings)
        move_into(aside, staging)
        mark_site(staging)
        add_to_sitemap(staging, given.settings.site_url, [path.removesuffix("index.html") for path in shell_paths(_site(given))])
        _swap(staging, out)
    except BaseException:
        if mkdocs:
            mkdocs.stop()
        shutil.rmtree(staging, ignore_errors=True)
        raise
    finally:
        shutil.rmtree(aside, ignore_errors=True)


def _site(given: BuildInput) -> Site:
    return Site(given.catalogue, given.settings, given.audience)


def _collect(outputs: dict[Future, str], pages: list[Future], timings: Timings) -> None:
    """Wait for every task; each output's time (in its worker) goes into the summary, pages are counted as done."""
    written = 0
    for future in as_completed([*outputs, *pages]):
        seconds, count = future.result()
        if future in outputs:
            timings.add(outputs[future], seconds)
            continue
        timings.add("生成事项页面", seconds)
        if (written + count) // 1000 > written // 1000:
            timings.say(f"已写入 {written + count} 个事项页面")
        written += count


def _write_sources() -> tuple[float, int]:
    """A worker's task, the first: the docs folder MkDocs lays out (lists, halls, departments, the shells …)."""
    start = time.perf_counter()
    given: BuildInput = state()
    sources = render_site(given.catalogue, given.settings, given.audience, shells=False).sources
    write_tree(sources, docs_dir(given.root, given.audience))
    return time.perf_counter() - start, len(sources)


def _write_output(name: str, key: str | None, folder: Path) -> tuple[float, int]:
    """A worker's task: make one output and write its files. Returns (seconds, files)."""
    start = time.perf_counter()
    files = make_output(state(), name, key)
    write_files(folder, files)
    return time.perf_counter() - start, len(files)


def _write_pages(site: Path, shells: dict[str, Shell], positions: range) -> tuple[float, int]:
    """A worker's task: render the shell pages at `positions` (in `shell_paths` order) and pour them into the site."""
    start = time.perf_counter()
    given: BuildInput = state()
    pages = shell_pages(given.catalogue, given.settings, given.audience, positions)
    fill_shells(site, pages, shells)
    return time.perf_counter() - start, len(pages)


def _set_aside_stale(out: Path) -> None:
    """Staging folders of earlier builds into `out` whose process has died (killed, or the machine went down) are
    renamed to the old-site name that `_swap` deletes; those of a build still running are left alone."""
    owned = re.compile(rf"\.{re.escape(out.name)}-(?:new|aside)-(\d+)-")
    for path in out.parent.iterdir():
        found = owned.match(path.name)
        if found and path.is_dir() and not alive(int(found.group(1))):
            path.rename(out.with_name(f".{out.name}-old-{os.getpid()}{path.name}"))


def _swap(new: Path, out: Path) -> None:
    """Replace `out` with `new` using renames only, so readers never see a half-written site. The old site is
    deleted by a detached `rm` (tens of thousands of files take seconds on a slow disk; nobody waits for it),
    and leftovers of a deletion that was cut short go with it."""
    if out.exists():
        out.rename(out.with_name(f".{out.name}-old-{os.getpid()}"))
    new.rename(out)
    leftovers = [str(p) for p in out.parent.glob(f".{out.name}-old-*")]
    if leftovers and os.name == "posix":
        subprocess.Popen(["rm", "-rf", "--", *leftovers], start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    else:
        for path in leftovers:
            shutil.rmtree(path, ignore_errors=True)
