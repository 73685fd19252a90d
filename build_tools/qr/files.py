"""Static by-products of the codes: redirect stubs, QR images, and 301 rules for servers the district runs.

A matter page draws its QR code inline (an SVG path, so the code shows with the page and costs no request) and
brings the PNG to download with it: the process that renders the page makes the symbol once for both.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from jinja2 import Environment

from ..model import Catalogue
from ..settings import Settings
from ..urls import short_url, url_of
from .links import ShortLink, all_links, line_path, make_qr, png, situation_links


@dataclass(frozen=True)
class PageQR:
    """What a page shows of its code: the printed URL, the symbol as a stroked path (`links.line_path`) to draw in
    the page, and the PNG it offers to download (published as `download_path`)."""

    url: str
    modules: int  # width and height in modules, quiet zone included
    path: str
    png: bytes
    download_path: str


def page_qr(settings: Settings, code: str) -> PageQR:
    return _drawn(short_url(settings, code), f"qr/{code}.png")


@lru_cache(maxsize=1 << 14)
def _drawn(url: str, download_path: str) -> PageQR:
    """Cached: a code's images never change, and `mkdocs serve` regenerates every file on each save."""
    qr = make_qr(url)
    return PageQR(url, len(qr.matrix) + 8, line_path(qr), png(qr), download_path)


def link_files(catalogue: Catalogue, settings: Settings, env: Environment) -> dict[str, bytes]:
    """Redirect stub per code, per earlier page address of a renamed object (`renamed_from` in the registry: old
    links and bookmarks keep working, as its code does), and the nginx/Apache rules: cheap, and they need the
    catalogue."""
    codes = all_links(catalogue)
    links = codes + situation_links(catalogue)  # M0021/S-JIANSHI opens one case
    stub = env.get_template("redirect.html.j2")
    files = {f"Q/{link.code}/index.html": stub.render(link=link, settings=settings, root="../" * (link.code.count("/") + 2),
                                                      title=_title(catalogue, link)).encode() for link in links}
    for link in codes:
        for old in catalogue.codes[link.code].renamed_from:
            address = url_of(link.kind, old)
            files[address + "index.html"] = stub.render(link=link, settings=settings, root="../" * address.count("/"),
                                                        title=_title(catalogue, link)).encode()
    for name in ("short-links.nginx.conf", "short-links.apache.conf"):
        files[name] = env.get_template(f"{name}.j2").render(links=links, settings=settings).encode()
    return files


def _title(catalogue: Catalogue, link: ShortLink) -> str:
    if link.kind == "situation":
        matter, situation = link.id.split("/")
        m = catalogue.matters[matter]
        return f"{m.name}：{next(s.name for s in m.situations if s.id == situation)}"
    tables: dict[str, dict[str, Any]] = {"matter": catalogue.matters, "sop": catalogue.sops, "guide": catalogue.guides, "hall": catalogue.halls}
    table = tables[link.kind]
    obj = table[link.id]
    return getattr(obj, "name", None) or obj.title
