"""Which pages the site has, and what each template is given.

One builder per page kind; each returns `Page`s (output path + template + context). Builders read only the
catalogue, so the same pages can be handed to any renderer.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from .. import situations
from ..model import Catalogue
from ..model import statistics as stats
from ..model.audience import Audience
from ..model.checklist import checklist, window_sops
from ..qr.files import page_qr
from ..qr.links import situation_code
from ..schema.guide import Guide
from ..schema.matter import Matter, OnlineDepth, State
from ..schema.place import Hall
from ..schema.reference import all_field_tables
from ..schema.sop import Category, Phase
from ..settings import Settings
from ..urls import INSPECTION_CSV, STATISTICS_CSV, short_url, source_of, url_of
from .cases import box_of, case_view, steps_by_channel
from .feed import feed_entries
from .flowchart import layout, step_numbers
from .shell import MARKS, SHELL_DIR


@dataclass
class Page:
    path: str  # a source in the docs directory ("guides/x.md"), or for shell pages the output ("matters/x/index.html")
    template: str
    context: dict[str, Any] = field(default_factory=dict)
    shell: str | None = None  # shell pages skip the renderer: their body is poured into this section's shell
    files: dict[str, bytes] = field(default_factory=dict)  # published with the page (its QR image), by site path


@dataclass(frozen=True)
class Site:
    """What every template may use besides its own page: the catalogue, settings and audience."""

    catalogue: Catalogue
    settings: Settings
    audience: Audience

    @property
    def staff(self) -> bool:
        return self.audience is Audience.STAFF


def all_pages(site: Site, shells: bool = True) -> Iterator[Page]:
    """Every page; without `shells`, only the renderer's (shell pages' contexts are not even built)."""
    yield from home(site)
    yield from matter_pages(site, shells)
    yield from place_pages(site)
    yield from sop_pages(site)
    yield from guide_pages(site, shells)
    yield from browse_pages(site)
    if site.staff:
        yield from inspection_pages(site)
    yield stats_page(site)
    yield Page("reference/fields.md", "fields.md.j2", {"tables": all_field_tables()})
    yield Page("search.md", "search.md.j2")
    yield feed(site)


def home(site: Site) -> Iterator[Page]:
    cat = site.catalogue
    yield Page("index.md", "home.md.j2", {
        "guides": list(cat.guides.values()),
        "halls": list(cat.halls.values()),
        "departments": [d for d in cat.departments.values() if cat.matters_of(d)],
        "popular": [m for m in cat.live_matters() if m.popular_names][:12],
        "count": len(cat.live_matters()),
    })


def feed(site: Site) -> Page:
    entries = feed_entries(site.catalogue, site.settings)
    updated = entries[0].updated if entries else dt.date.today()
    return Page("feed.xml", "feed.xml.j2", {"entries": entries, "updated": updated})


def answer_box(cat: Catalogue, m: Matter) -> dict[str, Any]:
    """The four questions answered before anything else (GOV.UK "check before you start")."""
    online = m.channels.online
    applies_online = bool(online and {OnlineDepth.ACCEPT, OnlineDepth.HANDLE} & set(online.depth))
    return {
        "counts": cat.material_counts(m),
        "halls": cat.halls_of(m),
        "online": online,
        "applies_online": applies_online,
        "full_online": applies_online and m.visits.count == 0,
    }


def matter_pages(site: Site, shells: bool = True) -> Iterator[Page]:
    """Every matter's page, and the shell they are poured into."""
    if shells:
        yield from (matter_shell_page(site, m) for m in site.catalogue.matters.values())
    yield Page(f"matters/{SHELL_DIR}.md", "shell.md.j2", {"marks": MARKS, "kind": "matter"})


def matter_shell_page(site: Site, m: Matter) -> Page:
    """A matter's page: its 办事攻略, its tombstone, or the page leading to its successor."""
    cat = site.catalogue
    path = url_of("matter", m.id) + "index.html"
    if m.status.state is State.CANCELLED:
        return Page(path, "tombstone.html.j2", {"m": m, "alternatives": [cat.matters[a] for a in m.status.alternatives]}, shell="matters")
    if not cat.has_guide_page(m):
        return Page(path, "moved.html.j2", {"m": m, "successor": cat.final_successor(m)}, shell="matters")
    return matter_page(site, m)


def matter_page(site: Site, m: Matter) -> Page:
    """The 办事攻略 of a matter that can be applied for (or is suspended)."""
    cat = site.catalogue
    qr = page_qr(site.settings, cat.code_of("matter", m.id))
    return Page(url_of("matter", m.id) + "index.html", "matter.html.j2", shell="matters", files={qr.download_path: qr.png}, context={
        "m": m,
        "dept": cat.department_of(m),
        "answer": answer_box(cat, m),
        "everyone": box_of(m, situations.everything(m), decided=False),
        "view": case_view(m) if m.questions else None,
        "situation_cases": {s.id: situations.situation_case(m, s) for s in m.situations},
        "journeys": [(channel, steps, step_numbers(steps)) for channel, steps in steps_by_channel(m)],
        "links_out": m.links,
        "links_in": cat.links_to(m),
        "charts": [(channel, layout(steps)) for channel, steps in steps_by_channel(m)],  # one flow per way of applying
        "halls": cat.halls_of(m),
        "sops": cat.sops_for(m),
        "guides": cat.guides_for(m),
        "related": [cat.matters[r] for r in m.related],
        "predecessors": cat.predecessors(m),
        "source": cat.sources.get(("matter", m.id)),
        "qr": qr,
        "situation_urls": [(s, short_url(site.settings, situation_code(cat.code_of("matter", m.id), s.id))) for s in m.situations],
        "dates": cat.dates_of("matter", m.id),
    })


def shell_paths(site: Site) -> list[str]:
    """Where every shell page is published: all matter pages and guide pages. The renderer lays out one shell
    per section instead of thousands of pages."""
    return ([url_of("matter", m) + "index.html" for m in site.catalogue.matters]
            + [url_of("guide", g) + "index.html" for g in site.catalogue.guides])


def shell_page_of(site: Site, path: str) -> Page | None:
    """The shell page published at `path` ("matters/<id>/index.html"), if there is one; only its own context is
    built (a build renders pages in parts, a preview server one page on request)."""
    section, _, rest = path.partition("/")
    key = rest.removesuffix("index.html").rstrip("/")
    if section == "matters" and key in site.catalogue.matters:
        return matter_shell_page(site, site.catalogue.matters[key])
    if section == "guides" and key in site.catalogue.guides:
        return guide_page(site.catalogue.guides[key])
    return None


def place_pages(site: Site) -> Iterator[Page]:
    cat = site.catalogue
    for h in cat.halls.values():
        own, shared = hall_matters(cat, h)
        yield Page(source_of("hall", h.id), "hall.md.j2", {"h": h, "own": own, "shared": shared,
                                                           "departments": [d for d in cat.departments.values() if h.id in d.halls]})
    for d in cat.departments.values():
        yield Page(source_of("department", d.id), "department.md.j2", {"d": d, "matters": cat.matters_of(d),
                                                                       "halls": [cat.halls[h] for h in d.halls]})


def hall_matters(cat: Catalogue, h: Hall) -> tuple[list[Matter], list[Matter]]:
    """The matters a hall handles: at its own windows, and the others it takes in (同区通办)."""
    matters = cat.matters_at(h)
    own = [m for m in matters if m.channels.window and h.id in m.channels.window.halls]
    own_ids = {m.id for m in own}  # compare ids: comparing pydantic objects field by field was quadratic
    return own, [m for m in matters if m.id not in own_ids]


def sop_pages(site: Site) -> Iterator[Page]:
    cat = site.catalogue
    for s in cat.sops.values():
        matter = cat.matters.get(s.matter) if s.matter else None
        refs = {}
        if matter:
            refs = {x.id: x.name for x in matter.materials} | {c.id: c.text for c in matter.conditions}
        yield Page(source_of("sop", s.id), "sop.md.j2", {"s": s, "matter": matter, "refs": refs,
                                                         "phases": _grouped(s.steps, "phase", Phase), "categories": _grouped(s.items, "category", Category),
                                                         "roles": {r.id: r.name for r in s.roles},
                                                         "halls": [cat.halls[h] for h in s.halls], "source": cat.sources.get(("sop", s.id))})
    yield Page("sop/index.md", "sop_index.md.j2", {"sops": list(cat.sops.values())})


def _grouped(items: list, attr: str, order: type[Enum]) -> list[tuple[str, list]]:
    """Items grouped by an enum field, in the order the enum declares (收件 before 归档, 听觉 before 秩序)."""
    groups = [(member.value, [x for x in items if getattr(x, attr) is member]) for member in order]
    return [g for g in groups if g[1]]


def guide_pages(site: Site, shells: bool = True) -> Iterator[Page]:
    cat = site.catalogue
    if shells:
        yield from (guide_page(g) for g in cat.guides.values())
    yield Page(f"guides/{SHELL_DIR}.md", "shell.md.j2", {"marks": MARKS, "kind": "guide"})
    yield Page("guides/index.md", "guide_index.md.j2", {"guides": list(cat.guides.values())})


def guide_page(g: Guide) -> Page:
    return Page(url_of("guide", g.id) + "index.html", "guide.html.j2", {"g": g, "numbers": step_numbers(g.steps)}, shell="guides")  # type: ignore[arg-type]


def browse_pages(site: Site) -> Iterator[Page]:
    cat = site.catalogue
    yield Page("browse/departments.md", "browse.md.j2", {"title": "按部门查找", "groups": {d.name: cat.matters_of(d) for d in cat.departments.values() if cat.matters_of(d)}, "kind": "department",
                                                        "ids": {d.name: d.id for d in cat.departments.values()}})
    # Halls with what they handle, not every matter of every hall: a 全区通办 matter is taken in by every street
    # hall, which would make this page list nearly the whole catalogue once per hall; each hall's own page lists its matters.
    yield Page("browse/halls.md", "browse_halls.md.j2", {"title": "按大厅查找", "halls": [(h, *map(len, hall_matters(cat, h))) for h in cat.halls.values()]})
    yield Page("browse/audience.md", "browse.md.j2", {"title": "按服务对象查找", "groups": cat.by_key(lambda m: m.audience), "kind": None, "ids": {}})
    yield Page("browse/topics.md", "browse.md.j2", {"title": "按主题查找", "groups": cat.by_key(lambda m: m.topics), "kind": None, "ids": {}})


def inspection_pages(site: Site) -> Iterator[Page]:
    """Staff only: the printable window-service checklist for mystery-shopper and self-inspection visits."""
    cat = site.catalogue
    items = checklist(cat)
    yield Page("inspection/index.md", "inspection.md.j2", {
        "sops": [(s, [c for c in items if c.sop is s]) for s in window_sops(cat)],
        "total": sum(c.full_marks for c in items),
        "halls": list(cat.halls.values()),
        "csv": INSPECTION_CSV,
    })


def stats_page(site: Site) -> Page:
    """行政资源统计: charts and tables computed from the matters (the CSV is written by publish)."""
    today = dt.date.today()
    return Page("stats/index.md", "stats.md.j2", {"stats": stats.compute(site.catalogue, today), "csv": STATISTICS_CSV,
                                                  "stale_before": stats.stale_before(today)})
