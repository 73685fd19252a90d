"""Where each kind of object lives in the site. Pages, short links and exports all link with these, so a
change of URL scheme is one edit (and old URLs would then need redirects, like short codes)."""

from __future__ import annotations

from .settings import Settings

URLS = {
    "matter": "matters/{id}/",
    "hall": "halls/{id}/",
    "department": "departments/{id}/",
    "sop": "sop/{id}/",
    "guide": "guides/{id}/",
}

#: Files other outputs publish and pages link to.
STATISTICS_CSV = "stats/statistics.csv"
INSPECTION_CSV = "inspection/checklist.csv"  # the staff site's blank results sheet, beside the printable checklist


def url_of(kind: str, id: str) -> str:
    return URLS[kind].format(id=id)


def with_situation(page: str, situation: str) -> str:
    """A matter page's address opened at one named situation (the parameter theme/assets/cases.js reads)."""
    return f"{page}?s={situation}"


def source_of(kind: str, id: str) -> str:
    """The generated page source behind `url_of` (directory URLs: matters/x/ <- matters/x.md)."""
    return URLS[kind].format(id=id).rstrip("/") + ".md"


def short_url(settings: Settings, code: str, placement: str | None = None) -> str:
    """The printed URL. Uppercase throughout, so the QR symbol uses alphanumeric mode (scheme and host are
    case-insensitive). A placement suffix (window 12, booklet page 7) lets the server count scans without
    personal data: /Q/M0001/W12."""
    base = settings.short_url_base.rstrip("/").upper()
    return f"{base}/Q/{code}" + (f"/{placement.upper()}" if placement else "")
