"""Static by-products of the codes: redirect stubs, QR images, and 301 rules for servers the district runs."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from jinja2 import Environment

from ..model import Catalogue
from ..settings import Settings
from .links import ShortLink, all_links, make_qr, png, short_url, svg


def short_link_files(catalogue: Catalogue, settings: Settings, env: Environment) -> dict[str, bytes]:
    links = all_links(catalogue)
    files: dict[str, bytes] = {}
    stub = env.get_template("redirect.html.j2")
    for link in links:
        files[f"Q/{link.code}/index.html"] = stub.render(link=link, settings=settings, root="../../", title=_title(catalogue, link)).encode()
    for name in ("short-links.nginx.conf", "short-links.apache.conf"):
        files[name] = env.get_template(f"{name}.j2").render(links=links, settings=settings).encode()
    matter_links = [link for link in links if link.kind == "matter"]
    with ThreadPoolExecutor() as pool:
        for link, (svg_bytes, png_bytes) in zip(matter_links, pool.map(lambda l: _images(settings, l), matter_links)):
            files[f"qr/{link.code}.svg"] = svg_bytes
            files[f"qr/{link.code}.png"] = png_bytes
    return files


def _images(settings: Settings, link: ShortLink) -> tuple[bytes, bytes]:
    qr = make_qr(short_url(settings, link.code))
    return svg(qr), png(qr)


def _title(catalogue: Catalogue, link: ShortLink) -> str:
    table = {"matter": catalogue.matters, "sop": catalogue.sops, "guide": catalogue.guides, "hall": catalogue.halls}[link.kind]
    obj = table[link.id]
    return getattr(obj, "name", None) or getattr(obj, "title")
