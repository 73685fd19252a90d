"""What `mkdocs serve` needs beyond a build: matter pages rendered when they are asked for.

Saving a YAML file makes the server regenerate the docs folder and re-run MkDocs, which at thousands of matters
takes far longer than an editor wants to wait. Shell pages (render/shell.py) do not need MkDocs, so the preview
keeps the newest valid catalogue and renders a shell page the moment it is requested, if it is older than the
content: each is the exact page a release build would publish. The pages MkDocs lays out (lists, halls,
departments) and the outputs are regenerated in the background by the preview's worker process; writing them
makes the server rebuild once more, which then finds nothing new. The hooks hand requests and builds to `Preview`.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path

from ..files import write_tree
from ..load import FileCache
from ..model import Audience, Catalogue
from ..render.site import render_shell_page
from ..settings import Settings
from ..workers import Pool
from .shell import Shell, fill_shells, take_shells

log = logging.getLogger("mkdocs.hooks.baike")


@dataclass
class Preview:
    """The newest valid content, and which rendered pages in the served folder are still up to date."""

    audience: Audience
    catalogue: Catalogue | None = None
    settings: Settings | None = None
    version: int = 0
    files: FileCache = field(default_factory=FileCache)  # parsed and checked files, reused while unchanged
    stripped: dict = field(default_factory=dict)  # public views of objects, reused while the object is the same
    shells: dict[str, Shell] = field(default_factory=dict)
    site: Path | None = None  # the folder being served
    _current: dict[str, int] = field(default_factory=dict)  # site path -> content version it was rendered from
    worker: Pool | None = None  # one process that regenerates lists and outputs after a save
    _lock: threading.RLock = field(default_factory=threading.RLock)
    _running: Future | None = None
    _next: Callable[[Path | None], object] | None = None

    def update(self, catalogue: Catalogue, settings: Settings) -> None:
        """New valid content: every rendered shell page is out of date from now on."""
        with self._lock:
            self.catalogue, self.settings = catalogue, settings
            self.version += 1

    def in_background(self, job: Callable[[Path | None], object]) -> None:
        """Run `job(site)` in the worker (so it does not slow the server's own rebuild down); while one runs, only
        the newest job given meanwhile runs after it."""
        with self._lock:
            self._next = job
            if self._running is None or self._running.done():
                self._start_next()

    def _start_next(self) -> None:
        assert self.worker is not None
        job, self._next = self._next, None
        if job is not None:
            self._running = self.worker.submit(job, self.site)
            self._running.add_done_callback(self._finished)

    def _finished(self, done: Future) -> None:
        if done.exception() is not None:  # the next save tries again; the served pages stay as they are
            log.error("后台重新生成页面失败：%s", done.exception())
        with self._lock:
            self._start_next()

    def built(self, site: Path, pages=None, static: dict[str, bytes] | None = None) -> None:
        """After MkDocs ran: keep the shells it laid out; with `pages` and `static` (the first build) write the
        shell pages and the outputs into the site."""
        with self._lock:
            self.site = site
            self.shells.update(take_shells(site))
            if static:
                write_tree(static, site, prune=False)
            self._current = {p: v for p, v in self._current.items() if (site / p).exists()}  # a clean rebuild empties the folder
            if pages is not None:
                fill_shells(site, pages, self.shells)
                self._current.update((p.path, self.version) for p in pages)

    def refresh(self, site: Path, url_path: str) -> None:
        """Before a request is served: if it asks for a shell page rendered from older content, render it now."""
        path = url_path.lstrip("/")
        if not path or path.endswith("/"):
            path += "index.html"
        with self._lock:
            if self.catalogue is None or self.settings is None or self._current.get(path) == self.version:
                return
            page = render_shell_page(self.catalogue, self.settings, self.audience, path)
            if page is None or page.shell not in self.shells:
                return
            fill_shells(site, [page], self.shells)
            self._current[path] = self.version


#: One preview per serving process (MkDocs may reload its hooks on every rebuild; this module stays).
_previews: dict[Audience, Preview] = {}


def preview_for(audience: Audience) -> Preview:
    return _previews.setdefault(audience, Preview(audience))
