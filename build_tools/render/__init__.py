"""Render stage: catalogue -> page sources (Markdown with HTML blocks) and static files, via Jinja2 templates.

The output is a plain folder any static-site renderer can take (MkDocs today); nothing here imports MkDocs.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from jinja2 import Environment, PackageLoader, StrictUndefined

from ..inspection import TEMPLATE_PATH, checklist, template_csv
from ..export.schema_org import matter_jsonld
from ..model import Catalogue
from ..model.audience import Audience
from ..settings import Settings
from . import text
from ..qr.links import short_url
from ..urls import url_of
from .pages import Page, Site, all_pages

__all__ = ["render_site", "write_tree", "make_environment", "Site"]


def make_environment() -> Environment:
    env = Environment(
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
    env.filters.update(md=text.to_html, md_inline=text.to_inline_html, plain=text.plain, md_text=text.md_text)
    env.globals.update(url_of=url_of, short_url=short_url)
    env.globals["matter_jsonld"] = matter_jsonld  # schema.org JSON-LD of a matter page (export/schema_org.py)
    return env


def render_site(catalogue: Catalogue, settings: Settings, audience: Audience, today: dt.date | None = None) -> dict[str, bytes]:
    """Every generated file of the docs folder: relative path -> bytes."""
    env = make_environment()
    site = Site(catalogue, settings, audience)
    common = {"site": site, "settings": settings, "today": today or dt.date.today()}
    files: dict[str, bytes] = {}
    for page in all_pages(site):
        files[page.path] = _render(env, page, common)
    if site.staff:
        files[TEMPLATE_PATH] = template_csv(checklist(catalogue))
    return files


def _render(env: Environment, page: Page, common: dict) -> bytes:
    depth = page.path.count("/") + (0 if page.path.endswith("index.md") else 1)
    context = {**common, **page.context, "root": "../" * depth}
    return env.get_template(page.template).render(context).encode("utf-8")


def write_tree(files: dict[str, bytes], out: Path) -> list[str]:
    """Write `files` under `out`, touching only files whose bytes changed (so a live-reloading server
    rebuilds just those pages) and deleting generated files that no longer exist. Returns changed paths."""
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
    wanted = {out / rel for rel in files}
    for existing in sorted(out.rglob("*"), reverse=True):
        if existing.is_file() and existing not in wanted:
            existing.unlink()
            changed.append(existing.relative_to(out).as_posix())
        elif existing.is_dir() and not any(existing.iterdir()):
            existing.rmdir()
    return changed
