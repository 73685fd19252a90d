"""Every page of the site from the catalogue: the renderer's docs folder, the shell pages, and the template
environment they are rendered with."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import lru_cache

import orjson
from jinja2 import Environment, PackageLoader, StrictUndefined

from .. import situations, text
from ..model import Catalogue
from ..model.audience import Audience
from ..settings import Settings
from ..urls import short_url, url_of
from . import aside
from .jsonld import matter_jsonld
from .pages import Page, Site, all_pages, shell_page_of, shell_paths
from .shell import ShellPage

__all__ = ["render_site", "shell_pages", "render_shell_page", "make_environment", "Site", "Rendered", "ShellPage"]


@dataclass
class Rendered:
    """What the render stage hands on: the renderer's docs folder, and the pages poured into shells after it ran."""

    sources: dict[str, bytes] = field(default_factory=dict)  # relative path -> bytes
    pages: list[ShellPage] = field(default_factory=list)

    def body(self, path: str) -> str:
        """The body of the shell page at `path` (e.g. "matters/x/index.html")."""
        return next(p.body for p in self.pages if p.path == path)


def make_environment(auto_reload: bool = False) -> Environment:
    """Templates for one build (no reload checks: thousands of pages would stat every template each time)."""
    env = Environment(
        auto_reload=auto_reload,
        loader=PackageLoader("build_tools", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        # `{#id}` is Markdown heading-anchor syntax in our templates, so Jinja comments use {## ... ##}.
        comment_start_string="{##",
        comment_end_string="##}",
    )
    env.filters.update(md=text.to_html, md_inline=text.to_inline_html, plain=text.plain, md_text=text.md_text,
                       heading_id=text.heading_id, aside=aside.aside)
    env.globals.update(url_of=url_of, short_url=short_url, answers_text=situations.describe)
    env.globals["matter_jsonld"] = matter_jsonld  # schema.org JSON-LD of a matter page (render/jsonld.py)
    # `tojson` (JSON-LD, front matter) by orjson: Chinese as UTF-8 (fewer bytes than json's \u escapes), and
    # no detour through Python's encoder; `tojson` still escapes < > & ' after it.
    env.policies["json.dumps_function"] = _json_text
    env.policies["json.dumps_kwargs"] = {}
    return env


def _json_text(value: object) -> str:
    return orjson.dumps(value, option=orjson.OPT_SORT_KEYS).decode("utf-8")


@lru_cache(maxsize=1)
def _build_environment() -> Environment:
    """One environment per process for the shell pages of builds: their templates are compiled once."""
    return make_environment()


@lru_cache(maxsize=1)
def _environment() -> Environment:
    """One environment for pages rendered one at a time while serving (reloads a template whose file changed)."""
    return make_environment(auto_reload=True)


def render_site(catalogue: Catalogue, settings: Settings, audience: Audience, today: dt.date | None = None,
                shells: bool = True) -> Rendered:
    """Every generated page: docs-folder sources for the renderer, and (unless `shells` is false) shell pages."""
    env = make_environment()
    site = Site(catalogue, settings, audience)
    common = {"site": site, "settings": settings, "today": today or dt.date.today()}
    out = Rendered()
    for page in all_pages(site, shells):
        if page.shell:
            out.pages.append(_shell_page(env, page, common))
        else:
            pieces: list[str] = []
            context = {**_context(page, common), aside.CONTEXT_KEY: pieces}
            out.sources[page.path] = env.get_template(page.template).render(context).encode("utf-8")
            if pieces:
                out.sources[aside.sidecar_of(page.path)] = aside.sidecar(pieces)
    return out


def shell_pages(catalogue: Catalogue, settings: Settings, audience: Audience, positions: range | None = None,
                today: dt.date | None = None) -> list[ShellPage]:
    """The shell pages at `positions` (in `shell_paths` order; all by default), as render_site makes them, so that
    workers can share them out. Every page's context is made before the first page is rendered: a matter page's
    context draws its QR code, and drawing between renderings slows the rendering down."""
    env = _build_environment()
    site = Site(catalogue, settings, audience)
    common = {"site": site, "settings": settings, "today": today or dt.date.today()}
    paths = shell_paths(site)
    pages = [shell_page_of(site, paths[position]) for position in (range(len(paths)) if positions is None else positions)]
    return [_shell_page(env, page, common) for page in pages if page is not None]


def render_shell_page(catalogue: Catalogue, settings: Settings, audience: Audience, path: str,
                      today: dt.date | None = None) -> ShellPage | None:
    """The one shell page at `path`, exactly as render_site makes it (a preview server renders pages on request)."""
    site = Site(catalogue, settings, audience)
    page = shell_page_of(site, path)
    if page is None:
        return None
    return _shell_page(_environment(), page, {"site": site, "settings": settings, "today": today or dt.date.today()})


def _shell_page(env: Environment, page: Page, common: dict) -> ShellPage:
    module = env.get_template(page.template).make_module(_context(page, common))
    return ShellPage(page.path, page.shell or "", str(module.title), str(module.description), str(module), page.files)  # type: ignore[attr-defined]  # the template's {% set %}s


def _context(page: Page, common: dict) -> dict:
    """The page's own context plus `root`, the relative path back to the site root (pages have directory URLs)."""
    depth = page.path.count("/") + (0 if page.path.endswith(("index.md", "index.html")) else 1)
    return {**common, **page.context, "root": "../" * depth}
