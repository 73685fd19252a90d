"""Static by-products of the codes: redirect stubs, QR images, and 301 rules for servers the district runs.

The QR images cost far more than the rest (about 1 ms a matter for the symbol and its two images), so they are a
separate pure function of plain inputs: a build can draw them in a worker process while the pages are rendered.
`short_link_files` is both halves together.
"""

from __future__ import annotations

from functools import lru_cache

from jinja2 import Environment

from ..model import Catalogue
from ..settings import Settings
from .links import ShortLink, all_links, make_qr, png, short_url, svg


def short_link_files(catalogue: Catalogue, settings: Settings, env: Environment) -> dict[str, bytes]:
    return {**link_files(catalogue, settings, env), **qr_image_files(settings, image_codes(catalogue))}


def link_files(catalogue: Catalogue, settings: Settings, env: Environment) -> dict[str, bytes]:
    """Redirect stub per code and the nginx/Apache rules: cheap, and they need the catalogue."""
    links = all_links(catalogue)
    stub = env.get_template("redirect.html.j2")
    files = {f"Q/{link.code}/index.html": stub.render(link=link, settings=settings, root="../../", title=_title(catalogue, link)).encode()
             for link in links}
    for name in ("short-links.nginx.conf", "short-links.apache.conf"):
        files[name] = env.get_template(f"{name}.j2").render(links=links, settings=settings).encode()
    return files


def image_codes(catalogue: Catalogue) -> list[str]:
    """Codes whose images the site publishes: every matter's (its page shows the SVG and offers the PNG)."""
    return [e.code for e in catalogue.codes.values() if e.kind == "matter" and e.id in catalogue.matters]


def qr_image_files(settings: Settings, codes: list[str]) -> dict[str, bytes]:
    """`qr/<code>.svg` and `qr/<code>.png` for each code; depends on nothing but its arguments, so it can run in
    another process, or in several on slices of `codes`."""
    files = {}
    for code in codes:
        files[f"qr/{code}.svg"], files[f"qr/{code}.png"] = _images(short_url(settings, code))
    return files


@lru_cache(maxsize=1 << 14)
def _images(url: str) -> tuple[bytes, bytes]:
    """Cached by URL: a code's images never change, and `mkdocs serve` regenerates every file on each save."""
    qr = make_qr(url)
    return svg(qr), png(qr)


def _title(catalogue: Catalogue, link: ShortLink) -> str:
    table = {"matter": catalogue.matters, "sop": catalogue.sops, "guide": catalogue.guides, "hall": catalogue.halls}[link.kind]
    obj = table[link.id]
    return getattr(obj, "name", None) or getattr(obj, "title")
