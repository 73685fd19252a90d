"""What `mkdocs serve` needs beyond a build: matter pages rendered when they are asked for.

Saving a YAML file makes the server regenerate the docs folder and re-run MkDocs, which at thousands of matters
takes far longer than an editor wants to wait. Shell pages (render/shell.py) do not need MkDocs, so the preview
keeps the newest valid catalogue and renders a shell page the moment it is requested, if it is older than the
content: each is the exact page a release build would publish. The pages MkDocs lays out (lists, halls,
departments) and the outputs are regenerated in the background by the preview's worker process, and written here
only between MkDocs' builds: `mkdocs serve --dirty` decides whether a page changed once when it reads the pages and
again when it writes them, and a source rewritten in between was found unchanged, so not read, and then changed, so
written without its content (Material failed on such a hall page: "argument of type 'NoneType' is not iterable"). Writing them makes the server rebuild once more,
which then finds nothing new. While the content does not validate, every page served carries its problems at the
top, until a save fixes them. The hooks hand requests and builds to `Preview`.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..files import write_tree
from ..load import FileCache
from ..model import Audience, Catalogue
from ..problems import Problem
from ..render.site import make_environment, render_shell_page
from ..settings import Settings
from ..workers import Pool
from .shell import Shell, fill_shells, take_shells

log = logging.getLogger("mkdocs.hooks.baike")
#: Where the problems go in a served page: at the top of Material's content, else at the top of the body.
_TOP = (re.compile(rb'<article class="md-content__inner md-typeset">'), re.compile(rb"<body[^>]*>"))


@dataclass(frozen=True)
class Regenerated:
    """What the worker made after a save: the docs folder's files (written to `docs`, stale ones pruned) and the
    outputs for the served site."""

    docs: Path
    sources: dict[str, bytes]
    static: dict[str, bytes]


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
    problems: list[Problem] = field(default_factory=list)  # the content's errors, while it does not validate
    _lock: threading.RLock = field(default_factory=threading.RLock)
    _running: Future | None = None
    _next: Callable[[], Regenerated] | None = None
    _building: bool = False  # MkDocs is between reading the docs folder and writing the site
    _pending: Regenerated | None = None  # made while MkDocs was building: written when it is done

    def update(self, catalogue: Catalogue, settings: Settings) -> None:
        """New valid content: every rendered shell page is out of date from now on."""
        with self._lock:
            self.catalogue, self.settings = catalogue, settings
            self.version += 1

    def in_background(self, job: Callable[[], Regenerated]) -> None:
        """Run `job()` in the worker (so it does not slow the server's own rebuild down); while one runs, only the
        newest job given meanwhile runs after it. What it made is written once no build is running."""
        with self._lock:
            self._next = job
            if self._running is None or self._running.done():
                self._start_next()

    def _start_next(self) -> None:
        assert self.worker is not None
        job, self._next = self._next, None
        if job is not None:
            self._running = self.worker.submit(job)
            self._running.add_done_callback(self._finished)

    def _finished(self, done: Future) -> None:
        made = None
        if done.exception() is not None:  # the next save tries again; the served pages stay as they are
            log.error("后台重新生成页面失败：%s", done.exception())
        else:
            made = done.result()
        with self._lock:
            try:
                if made is not None and self._building:
                    self._pending = made
                elif made is not None:
                    self._write(made)
            finally:  # a file that cannot be written must not stop the regenerations after it
                self._start_next()

    def _write(self, made: Regenerated) -> None:
        write_tree(made.sources, made.docs)
        if self.site is not None:
            write_tree(made.static, self.site, prune=False)

    def build_started(self) -> None:
        """MkDocs starts a build: from now until `build_finished` the docs folder is not written."""
        with self._lock:
            self._building = True

    def build_finished(self) -> None:
        """The build ended (done or failed): write what the worker made meanwhile."""
        with self._lock:
            self._building = False
            made, self._pending = self._pending, None
            if made is not None:
                self._write(made)

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

    def respond(self, app: Callable[..., Iterable[bytes]], environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        """`app`'s WSGI answer; while the content has problems, every HTML page (error pages too) shows them."""
        problems = self.problems
        if not problems:
            return app(environ, start_response)
        answer: dict[str, Any] = {}
        body = b"".join(app(environ, lambda status, headers, exc_info=None: answer.update(status=status, headers=headers)))
        headers = answer["headers"]
        if any(k.lower() == "content-type" and v.startswith("text/html") for k, v in headers):
            body = with_problems(body, problems)
            headers = [(k, v) for k, v in headers if k.lower() != "content-length"] + [("Content-Length", str(len(body)))]
        start_response(answer["status"], headers)
        return [body]


def with_problems(html: bytes, problems: list[Problem]) -> bytes:
    """`html` with the box that lists the content's problems at the top of the page."""
    box = make_environment().get_template("preview_problems.html.j2").render(problems=problems).encode("utf-8")
    for top in _TOP:
        found = top.search(html)
        if found:
            return html[:found.end()] + box + html[found.end():]
    return box + html


#: One preview per serving process (MkDocs may reload its hooks on every rebuild; this module stays).
_previews: dict[Audience, Preview] = {}


def preview_for(audience: Audience) -> Preview:
    return _previews.setdefault(audience, Preview(audience))
