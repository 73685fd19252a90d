"""Publish stage: run the pipeline end to end and put the result in place only if every step succeeded.

    validate -> catalogue -> audience view -> render the renderer's pages (docs folder)
        -> renderer (MkDocs, in its own process)                              }
        -> shell pages and their QR images (here, and in a forked helper)      } side by side
        -> search index, exports (the helper), short links, from the catalogue }
    -> pour shell pages into the renderer's shells -> atomic swap of the output folder

A failed build raises and leaves the previously published site untouched, byte for byte.
"""

from __future__ import annotations

import datetime as dt
import gc
import multiprocessing
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from .booklet import booklet_files
from .export import export_files
from .load import FileCache
from .load.gitdates import git_file_dates
from .model import Audience, Catalogue, build_catalogue, view
from .problems import ContentError
from .renderer import ENV_AUDIENCE, ENV_PREGENERATED, docs_dir
from .qr.files import link_files
from .render.site import Rendered, Site, make_environment, render_site, shell_pages, write_tree
from .render.pages import shell_paths
from .render.shell import Shell, ShellPage, fill_shells, take_shells
from .render.sitemap import add_to_sitemap
from .search.citizen import citizen_search_files
from .serving import Preview
from .settings import Settings, load_settings
from .stats import statistics_files
from .validate import validate_tree


@dataclass
class Timings:
    """Seconds per stage, printed as a summary after long builds. Stages may overlap (the renderer runs in its own
    process beside the others), so the total is wall time from the first stage, not the sum."""

    stages: dict[str, float] = field(default_factory=dict)
    started: float = field(default_factory=time.perf_counter)
    report: Callable[[str], None] | None = None  # progress lines for long builds (the CLI prints them)

    def say(self, message: str) -> None:
        if self.report:
            self.report(f"[{time.perf_counter() - self.started:6.1f} 秒] {message}")

    def run(self, name: str, fn, *args, **kwargs):
        self.say(name)
        start = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            self.add(name, time.perf_counter() - start)

    def add(self, name: str, seconds: float) -> None:
        self.stages[name] = self.stages.get(name, 0.0) + seconds

    def summary(self) -> str:
        total = time.perf_counter() - self.started
        parts = "，".join(f"{k} {v:.2f} 秒" for k, v in self.stages.items())
        return f"用时 {total:.2f} 秒（{parts}）"


def load_catalogue(root: Path, today: dt.date | None = None, cache: FileCache | None = None) -> Catalogue:
    result = validate_tree(root, today, cache)
    if not result.ok:
        raise ContentError(result.problems)
    return build_catalogue(result.parsed, git_file_dates(root))


@dataclass
class Generated:
    """The generate step's result for the hook: settings, the shell pages to pour after the renderer ran, which
    docs-folder files changed, and (while previewing) the by-products to put straight into the served site."""

    settings: Settings
    pages: list[ShellPage]
    changed: list[str]
    static: dict[str, bytes] = field(default_factory=dict)


def by_products(visible: Catalogue, settings: Settings, timings: Timings, exports: bool = True,
                search: bool = True) -> dict[str, bytes]:
    """Files published as they are: short links, statistics CSV, the citizen search index, exports. (A matter
    page brings its QR image with it.)"""
    files = timings.run("短链接", link_files, visible, settings, make_environment())
    files.update(timings.run("统计", statistics_files, visible))
    if search:
        files.update(timings.run("搜索索引", citizen_search_files, visible))
    if exports:
        files.update(timings.run("导出", export_files, visible, settings))
    return files


def generate_sources(root: Path, audience: Audience, timings: Timings | None = None, preview: Preview | None = None) -> Generated:
    """Validate and render the docs folder for one audience (for `mkdocs serve`: by-products go in the docs folder).

    With a `preview` (while serving), the new catalogue goes to the preview first, which renders matter pages on
    request; after the first build, the renderer's pages and the by-products (no exports: a preview publishes no
    data) are regenerated in the background, and the renderer picks up what changed when they are written."""
    timings = timings or Timings()
    settings = load_settings(root)
    catalogue = timings.run("校验", load_catalogue, root, None, preview.files if preview else None)
    visible = view(catalogue, audience, preview.stripped if preview else None)
    if preview is None:
        return _generate(root, audience, visible, settings, timings, shells=True, exports=True, static_in_docs=True)
    first = preview.catalogue is None
    preview.update(visible, settings)
    if first:
        return _generate(root, audience, visible, settings, timings, shells=True, exports=False, static_in_docs=False)

    def regenerate() -> None:
        generated = _generate(root, audience, visible, settings, Timings(), shells=False, exports=False, static_in_docs=False)
        if preview.site is not None:
            write_tree(generated.static, preview.site, prune=False)

    preview.in_background(regenerate)
    return Generated(settings, [], [])


def _generate(root: Path, audience: Audience, visible: Catalogue, settings: Settings, timings: Timings, shells: bool,
              exports: bool, static_in_docs: bool) -> Generated:
    """Render the docs folder; the by-products go in it too, or (static_in_docs false: a preview, where the
    renderer would look at tens of thousands of files on every rebuild) are handed back for the site itself."""
    rendered: Rendered = timings.run("生成页面", render_site, visible, settings, audience, shells=shells)
    static = by_products(visible, settings, timings, exports=exports)
    files = {**rendered.sources, **static} if static_in_docs else rendered.sources
    changed = timings.run("写入", write_tree, files, docs_dir(root, audience))
    return Generated(settings, rendered.pages, changed, {} if static_in_docs else static)


def build(root: Path, audience: Audience, out: Path, timings: Timings | None = None, booklets: bool = False) -> Timings:
    """Full build into `out`, replacing it only on success; with `booklets`, also every hall's booklet PDF.

    Both cores work: the renderer (MkDocs, its own process) lays out the few pages it owns while this process
    writes the short links and statistics, then renders the shell pages and pours them into the shells once the
    renderer has made them. A forked helper makes the search index and the exports, then renders shell pages too.
    The two take pages PAGES_PER_CLAIM at a time from one shared counter, so both end with pages, and neither waits
    long for the other, on any disk and at any size. A matter page's QR image is made and written with the page."""
    timings = timings or Timings()
    settings = load_settings(root)
    catalogue = timings.run("校验", load_catalogue, root)
    visible = view(catalogue, audience)
    gc.freeze()  # the catalogue lives to the end: later collections need not walk its million objects again
    try:
        return _build(root, audience, out, visible, settings, timings, booklets)
    finally:
        gc.unfreeze()


def _build(root: Path, audience: Audience, out: Path, visible: Catalogue, settings: Settings, timings: Timings,
           booklets: bool) -> Timings:
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}-new-", dir=out.parent))
    # By-products are written beside the site and moved in at the end: the renderer empties the site folder when
    # it starts.
    aside = Path(tempfile.mkdtemp(prefix=f".{out.name}-aside-", dir=out.parent))
    renderer = None
    try:
        claims = _Claims(len(shell_paths(Site(visible, settings, audience))))
        with _helper(visible, settings, audience, claims) as helper:
            indexed = helper.submit(_write_search_index, aside)
            exported = helper.submit(_write_exports, aside)
            later: list[Future] = []

            def hand_over(shells: dict[str, Shell]) -> None:
                """Once the renderer has made the shells, the helper can pour pages too."""
                later.append(helper.submit(_take_pages, staging, shells))

            sources: Rendered = timings.run("生成列表等页面", render_site, visible, settings, audience, shells=False)
            timings.run("写入", write_tree, sources.sources, docs_dir(root, audience))
            renderer = _Renderer(root, audience, staging)
            pour = _Pour(staging, renderer, timings, hand_over)
            files = by_products(visible, settings, timings, exports=False, search=False)
            timings.run("写入", _write_files, aside, files)
            mine = shell_pages(visible, settings, audience, chunks=claims)
            timings.run("生成事项页面", lambda: [pour.add(pages) for pages in mine])
            timings.run("写入", pour.close)
            timings.run("等待辅助进程：搜索索引", indexed.result)
            timings.run("等待辅助进程：导出", exported.result)
            timings.run("等待辅助进程：事项页面", lambda: [f.result() for f in later])
        _move_into(aside, staging)
        add_to_sitemap(staging, settings.site_url, [path.removesuffix("index.html") for path in shell_paths(Site(visible, settings, audience))])
        if booklets:
            timings.run("口袋书", lambda: _write_files(staging, booklet_files(root, visible, settings)))
        _swap(staging, out)
    except BaseException:
        if renderer:
            renderer.proc.kill()
            renderer.proc.wait()
        shutil.rmtree(staging, ignore_errors=True)
        raise
    finally:
        shutil.rmtree(aside, ignore_errors=True)
    return timings


#: Shell pages a process takes at a time: small enough that the last ones keep the other process waiting only
#: briefly (100 pages take about 80 ms), large enough that taking them costs nothing.
PAGES_PER_CLAIM = 100
#: What a forked helper process renders from: set just before the fork, so nothing has to be pickled over.
_shared: tuple[Catalogue, Settings, Audience] | None = None
_shared_claims: _Claims | None = None


class _Claims:
    """Positions of the shell pages (in `shell_paths` order), handed out PAGES_PER_CLAIM at a time to whichever
    process asks: the counter lives in shared memory, made before the helper is forked."""

    def __init__(self, total: int):
        self.total = total
        self.next = multiprocessing.get_context("fork").Value("q", 0)

    def __iter__(self) -> Iterator[range]:
        while True:
            with self.next.get_lock():
                start = self.next.value
                self.next.value = min(self.total, start + PAGES_PER_CLAIM)
            if start >= self.total:
                return
            yield range(start, min(self.total, start + PAGES_PER_CLAIM))


def _helper(visible: Catalogue, settings: Settings, audience: Audience, claims: _Claims) -> ProcessPoolExecutor:
    """One forked process for the second core: it inherits the catalogue instead of receiving a copy, and writes
    what it makes (100 MB of pages at 5,000 matters are not worth sending back)."""
    global _shared, _shared_claims
    _shared, _shared_claims = (visible, settings, audience), claims
    return ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("fork"))


def _take_pages(site: Path, shells: dict[str, Shell]) -> None:
    """The helper's last task: render and pour shell pages until none is left to take."""
    assert _shared is not None and _shared_claims is not None
    for pages in shell_pages(*_shared, chunks=_shared_claims):
        fill_shells(site, pages, shells)


def _write_search_index(folder: Path) -> None:
    """Into a folder of the helper's own (as the exports): the renderer empties the site folder when it starts."""
    assert _shared is not None
    _write_files(folder, citizen_search_files(_shared[0]))


def _write_exports(folder: Path) -> None:
    assert _shared is not None
    _write_files(folder, export_files(_shared[0], _shared[1]))


def _move_into(source: Path, target: Path) -> None:
    """Move every file of `source` into the same place under `target` (whole folders by one rename where `target`
    has none of that name)."""
    for entry in source.iterdir():
        there = target / entry.name
        if entry.is_dir() and there.is_dir():
            _move_into(entry, there)
        else:
            entry.rename(there)


class _Pour:
    """This process's shell pages wait until the renderer has made the shells; then each chunk is written as it
    comes, and `on_shells` hands the shells on (the helper pours its own pages)."""

    def __init__(self, site: Path, renderer: _Renderer, timings: Timings, on_shells: Callable[[dict[str, Shell]], None]):
        self.site, self.renderer, self.timings, self.on_shells = site, renderer, timings, on_shells
        self.shells: dict[str, Shell] | None = None
        self.waiting: list[ShellPage] = []
        self.written = 0

    def add(self, pages: list[ShellPage]) -> None:
        self.waiting += pages
        if self.shells is None and self.renderer.proc.poll() is not None:
            self._open()
        if self.shells is not None:
            self._flush()

    def close(self) -> None:
        if self.shells is None:
            self._open()
        self._flush()

    def _open(self) -> None:
        self.timings.add("MkDocs", self.renderer.wait())
        self.shells = take_shells(self.site)
        self.on_shells(self.shells)

    def _flush(self) -> None:
        assert self.shells is not None
        fill_shells(self.site, self.waiting, self.shells)
        self.written += len(self.waiting)
        if self.written // 1000 > (self.written - len(self.waiting)) // 1000:
            self.timings.say(f"已写入 {self.written} 个事项页面")
        self.waiting.clear()


def _write_files(site: Path, files: dict[str, bytes]) -> None:
    for rel, data in files.items():
        (site / rel).parent.mkdir(parents=True, exist_ok=True)
        (site / rel).write_bytes(data)


class _Renderer:
    """`mkdocs build` of the pregenerated docs folder, started at once and waited for later."""

    def __init__(self, root: Path, audience: Audience, site: Path):
        env = {**os.environ, ENV_AUDIENCE: audience.value, ENV_PREGENERATED: "1", "NO_MKDOCS_2_WARNING": "1"}
        self.started = time.perf_counter()
        self.proc = subprocess.Popen([sys.executable, "-m", "mkdocs", "build", "--quiet", "-f", str(root / "mkdocs.yml"), "-d", str(site)],
                                     cwd=root, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    def wait(self) -> float:
        """Seconds the renderer ran; raises RendererError with its own output if it failed."""
        out, err = self.proc.communicate()
        if self.proc.returncode != 0:
            raise RendererError(err.strip() or out.strip())
        return time.perf_counter() - self.started


class RendererError(RuntimeError):
    """The static-site renderer failed; its own output says why."""


def _swap(new: Path, out: Path) -> None:
    """Replace `out` with `new` using renames only, so readers never see a half-written site. The old site is
    deleted by a detached `rm` (tens of thousands of files take seconds on a slow disk; nobody waits for it),
    and leftovers of a deletion that was cut short go with it."""
    old = None
    if out.exists():
        old = out.with_name(f".{out.name}-old-{os.getpid()}")
        out.rename(old)
    new.rename(out)
    leftovers = [str(p) for p in out.parent.glob(f".{out.name}-old-*")]
    if leftovers and os.name == "posix":
        subprocess.Popen(["rm", "-rf", "--", *leftovers], start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    else:
        for path in leftovers:
            shutil.rmtree(path, ignore_errors=True)


__all__ = ["build", "generate_sources", "load_catalogue", "Timings", "RendererError"]
