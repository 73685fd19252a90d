"""Recent changes for the Atom feed: matters' own history entries, plus "page updated" for files that git says
changed well after their last history entry (an edit that no history line describes still reaches subscribers)."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from urllib.parse import urlsplit

from ..model import Catalogue
from ..settings import Settings
from ..urls import url_of

#: Enough for a reader to catch up after a month away; older changes stay on each matter's page.
FEED_LIMIT = 50
#: A commit this soon after a history entry is taken to be the change that entry describes (a pull request
#: can wait that long for review), so it is not announced twice.
ANNOUNCED_WITHIN = dt.timedelta(days=31)


@dataclass(frozen=True)
class FeedEntry:
    id: str  # a tag URI on the short-link domain: survives a change of site_url
    updated: dt.date
    title: str
    summary: str
    url: str  # relative to the site root


def feed_entries(cat: Catalogue, settings: Settings, limit: int = FEED_LIMIT) -> list[FeedEntry]:
    authority = urlsplit(settings.short_url_base).hostname or "localhost"
    entries = []
    for m in cat.matters.values():
        url = url_of("matter", m.id) + "#history"
        for h in m.history:
            digest = hashlib.sha1(h.change.encode("utf-8")).hexdigest()[:10]
            entries.append(FeedEntry(f"tag:{authority},{h.date}:matter/{m.id}/{digest}", h.date, m.name, h.change, url))
        dates = cat.dates_of("matter", m.id)
        if dates and all(h.date < dates.last - ANNOUNCED_WITHIN for h in m.history):
            entries.append(FeedEntry(f"tag:{authority},{dates.last}:matter/{m.id}/page", dates.last, m.name, "页面内容有更新。", url))
    entries.sort(key=lambda e: (e.updated, e.id), reverse=True)
    return entries[:limit]
