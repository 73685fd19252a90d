"""Where each kind of object lives in the site. Pages, short links and exports all link with these, so a
change of URL scheme is one edit (and old URLs would then need redirects, like short codes)."""

from __future__ import annotations

URLS = {
    "matter": "matters/{id}/",
    "hall": "halls/{id}/",
    "department": "departments/{id}/",
    "sop": "sop/{id}/",
    "guide": "guides/{id}/",
}


def url_of(kind: str, id: str) -> str:
    return URLS[kind].format(id=id)


def source_of(kind: str, id: str) -> str:
    """The generated page source behind `url_of` (directory URLs: matters/x/ <- matters/x.md)."""
    return URLS[kind].format(id=id).rstrip("/") + ".md"
