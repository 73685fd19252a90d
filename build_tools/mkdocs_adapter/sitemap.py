"""Pages poured into shells never pass through MkDocs, so its sitemap lacks them: add them, drop the shells.

The sitemap is the standard sitemaps.org format (not MkDocs internals); its gzip twin is rewritten to match.
"""

from __future__ import annotations

import datetime as dt
import gzip
import xml.etree.ElementTree as ET
from pathlib import Path

from ..render.shell import SHELL_DIR

NS = "http://www.sitemaps.org/schemas/sitemap/0.9"


def add_to_sitemap(site: Path, site_url: str, urls: list[str], today: dt.date | None = None) -> None:
    """List `urls` (relative, e.g. "matters/x/") in site/sitemap.xml and sitemap.xml.gz, if MkDocs wrote one."""
    path = site / "sitemap.xml"
    if not path.exists():
        return
    ET.register_namespace("", NS)
    tree = ET.parse(path)
    urlset = tree.getroot()
    for entry in list(urlset):
        if f"/{SHELL_DIR}/" in (entry.findtext(f"{{{NS}}}loc") or ""):
            urlset.remove(entry)
    lastmod = (today or dt.date.today()).isoformat()
    base = site_url.rstrip("/") + "/"
    for url in urls:
        entry = ET.SubElement(urlset, f"{{{NS}}}url")
        ET.SubElement(entry, f"{{{NS}}}loc").text = base + url
        ET.SubElement(entry, f"{{{NS}}}lastmod").text = lastmod
    data = ET.tostring(urlset, encoding="utf-8", xml_declaration=True)
    path.write_bytes(data)
    (site / "sitemap.xml.gz").write_bytes(gzip.compress(data, mtime=0))
