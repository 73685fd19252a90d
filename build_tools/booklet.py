"""Pocket booklets (攻略口袋书): one A5 or A6 PDF per hall, made from the public view of the catalogue.

Rendering route: HTML + CSS paged media (templates in templates/booklet/), typeset by WeasyPrint. Chosen over
Chromium's `page.pdf` because the contents and the index of popular names must print the page each matter
starts on: WeasyPrint resolves `target-counter()` in one pass, while Chromium cannot, so it would need two
renders and parsing its own PDF in between. WeasyPrint also draws page numbers in `@page` margin boxes,
embeds subsets of the fonts it uses (Noto Sans CJK from Debian's fonts-noto-cjk) and turns inline SVG into
PDF paths, so the QR codes stay vector. It needs Debian's Pango (installed by the Makefile), not a browser.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import subprocess
from collections import defaultdict
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from . import situations
from .model import Audience, Catalogue, view
from .qr.links import make_qr
from .qr.sheets import QUIET_ZONE, Symbol, symbol
from .render.flowchart import step_numbers
from .render.pages import answer_box
from .render.site import make_environment
from .schema import CONTENT_TYPES, Department, Guide, Hall, Matter
from .schema.guide import GuideStep
from .settings import Settings
from .situations import Counts
from .urls import short_url

#: Smallest printed side of the code itself (quiet zone not counted): readable at hand-held distance.
MIN_QR_MM = 25.0
#: Files whose bytes make up the data version when git cannot say (the content, the registry, site.yaml).
CONTENT_PATHS = tuple(t.folder for t in CONTENT_TYPES) + ("registry", "site.yaml")


@dataclass(frozen=True)
class Format:
    """Page size and the type sizes that stay readable on it (millimetres and points)."""

    name: str
    width_mm: float
    height_mm: float
    margin_mm: float
    font_pt: float
    leading: float
    qr_mm: float  # the code without its quiet zone


class Size(StrEnum):
    A5 = "A5"
    A6 = "A6"

    @property
    def format(self) -> Format:  # type: ignore[override]  # the paper format; str.format is not used on a Size
        return {Size.A5: Format("A5", 148, 210, 12, 9.5, 1.45, 27), Size.A6: Format("A6", 105, 148, 7, 7.0, 1.3, MIN_QR_MM)}[self]


@dataclass(frozen=True)
class Qr:
    """A vector QR code and the URL printed under it; `mm` is the printed side including the quiet zone."""

    url: str
    symbol: Symbol
    mm: float

    @property
    def host(self) -> str:
        """The printed URL without its scheme (people type it that way), in two lines to fit under the code."""
        return self.url.split("://", 1)[-1].split("/Q/", 1)[0]

    @property
    def path(self) -> str:
        return "/Q/" + self.url.split("/Q/", 1)[1]


@dataclass(frozen=True)
class Entry:
    """One matter in the booklet: its own page(s), the facts the page prints, and its anchor for page numbers."""

    matter: Matter
    department: Department
    counts: Counts
    windows: list[str]  # window numbers at this hall; empty when the hall takes it through 同区通办
    shared: bool  # handled here because the matter is 全区通办, not at a window of its own
    applies_online: bool
    full_online: bool
    numbers: list[str]  # step numbers, GOV.UK style (和/或 instead of a number)
    qr: Qr
    cases: list[tuple[str, list[int]]]  # each named situation and the numbers of the materials it brings

    @property
    def brought(self) -> list:
        return [x for x in self.matter.materials if not x.exempt]

    @property
    def anchor(self) -> str:
        return f"m-{self.matter.id}"


@dataclass(frozen=True)
class Section:
    """Contents by department: a heading and its matters, in page order."""

    department: Department
    entries: list[Entry]


@dataclass(frozen=True)
class EventStep:
    """A step of a life event (scenario guide): the matters in this booklet and those handled elsewhere."""

    number: str
    step: GuideStep
    here: list[Entry]
    elsewhere: list[Matter]


@dataclass(frozen=True)
class LifeEvent:
    guide: Guide
    steps: list[EventStep]


@dataclass(frozen=True)
class IndexTerm:
    term: str
    entry: Entry


@dataclass(frozen=True)
class IndexGroup:
    letter: str
    terms: list[IndexTerm]


@dataclass(frozen=True)
class DataVersion:
    """Which content the booklet was made from: the last git commit that touched it (when the work tree has
    no uncommitted changes to it) and always a hash of the content files themselves."""

    content_hash: str
    commit: str | None = None
    commit_date: str | None = None


@dataclass(frozen=True)
class Booklet:
    hall: Hall
    hall_qr: Qr
    format: Format
    settings: Settings
    sections: list[Section]
    events: list[LifeEvent]
    index: list[IndexGroup]
    version: DataVersion
    built: dt.date
    hall_names: dict[str, str]  # for steps that happen at another hall

    @property
    def entries(self) -> list[Entry]:
        return [e for s in self.sections for e in s.entries]

    @property
    def window_names(self) -> dict[str, str]:
        return {w.no: w.name for w in self.hall.windows}


class BookletError(RuntimeError):
    """The booklet cannot be made (unknown hall, or a hall where no matter is handled)."""


def make_booklet(catalogue: Catalogue, settings: Settings, hall_id: str, size: Size, version: DataVersion, today: dt.date) -> Booklet:
    """Everything the templates print, for one hall. Always from the public view: a booklet is handed out."""
    public = view(catalogue, Audience.PUBLIC)
    if hall_id not in public.halls:
        raise BookletError(f"找不到大厅“{hall_id}”；可用的大厅：{'、'.join(public.halls)}")
    hall = public.halls[hall_id]
    fmt = size.format
    entries = {m.id: _entry(public, settings, hall, m, fmt) for m in public.matters_at(hall)}
    if not entries:
        raise BookletError(f"{hall.name}没有可以收录的事项")
    by_dept: dict[str, list[Entry]] = defaultdict(list)
    for e in sorted(entries.values(), key=lambda e: collation_key(e.matter.name)):
        by_dept[e.department.id].append(e)
    sections = [Section(public.departments[d], es) for d, es in sorted(by_dept.items(), key=lambda kv: collation_key(public.departments[kv[0]].short_name))]
    hall_url = short_url(settings, public.code_of("hall", hall.id))
    return Booklet(hall, _qr(hall_url, fmt), fmt, settings, sections, _events(public, entries), _index(sections), version, today,
                   {x.id: x.name for x in public.halls.values()})


def _entry(cat: Catalogue, settings: Settings, hall: Hall, m: Matter, fmt: Format) -> Entry:
    window = m.channels.window
    own = bool(window and hall.id in window.halls)
    answer = answer_box(cat, m)
    return Entry(m, cat.department_of(m), cat.material_counts(m), list(window.windows.get(hall.id, [])) if window and own else [],
                 not own, answer["applies_online"], answer["full_online"], step_numbers(m.steps), _qr(short_url(settings, cat.code_of("matter", m.id)), fmt),
                 _cases(m))


def _cases(m: Matter) -> list[tuple[str, list[int]]]:
    """A situation × material table in the space of a pocket page: per situation, the numbers of its materials."""
    brought = [x.id for x in m.materials if not x.exempt]
    out = []
    for s in m.situations:
        needed = {x.id for x in situations.situation_case(m, s).materials}
        out.append((s.name, [i for i, x in enumerate(brought, start=1) if x in needed]))
    return out


def _qr(url: str, fmt: Format) -> Qr:
    sym = symbol(make_qr(url))
    inner = sym.modules - 2 * QUIET_ZONE
    return Qr(url, sym, round(fmt.qr_mm * sym.modules / inner, 2))


def _events(cat: Catalogue, entries: dict[str, Entry]) -> list[LifeEvent]:
    """Life events with at least one matter in this booklet; each step lists where its matters are."""
    events = []
    for g in cat.guides.values():
        numbers = step_numbers(g.steps)  # type: ignore[arg-type]
        steps = [EventStep(numbers[i], s, [entries[m] for m in s.matters if m in entries], [cat.matters[m] for m in s.matters if m not in entries])
                 for i, s in enumerate(g.steps)]
        if any(s.here for s in steps):
            events.append(LifeEvent(g, steps))
    return events


def _index(sections: list[Section]) -> list[IndexGroup]:
    terms = sorted((IndexTerm(t, e) for s in sections for e in s.entries for t in e.matter.popular_names),
                   key=lambda t: (collation_key(t.term), collation_key(t.entry.matter.name)))
    groups: dict[str, list[IndexTerm]] = defaultdict(list)
    for t in terms:
        groups[index_letter(t.term)].append(t)
    return [IndexGroup(letter, groups[letter]) for letter in sorted(groups, key=lambda k: (k == OTHER, k))]


# --- Chinese order without a pinyin dictionary -------------------------------------------------------------
# GB 2312 orders its 3,755 level-1 hanzi by pinyin, so their encoded bytes sort a list the way a printed index
# does; the first code point of each initial gives the letter heading. Rarer hanzi, digits and symbols go last.
_GB_INITIALS = ((0xB0A1, "A"), (0xB0C5, "B"), (0xB2C1, "C"), (0xB4EE, "D"), (0xB6EA, "E"), (0xB7A2, "F"), (0xB8C1, "G"),
                (0xB9FE, "H"), (0xBBF7, "J"), (0xBFA6, "K"), (0xC0AC, "L"), (0xC2E8, "M"), (0xC4C3, "N"), (0xC5B6, "O"),
                (0xC5BE, "P"), (0xC6DA, "Q"), (0xC8BB, "R"), (0xC8F6, "S"), (0xCBFA, "T"), (0xCDDA, "W"), (0xCEF4, "X"),
                (0xD1B9, "Y"), (0xD4D1, "Z"))
_GB_LEVEL1_END = 0xD7F9
OTHER = "其他"


def collation_key(text: str) -> bytes:
    return text.encode("gb18030")


def index_letter(term: str) -> str:
    first = term[:1]
    if first.isascii() and first.isalpha():
        return first.upper()
    try:
        code = int.from_bytes(first.encode("gb2312"), "big")
    except UnicodeEncodeError:
        return OTHER
    if not _GB_INITIALS[0][0] <= code <= _GB_LEVEL1_END:
        return OTHER
    return [letter for start, letter in _GB_INITIALS if code >= start][-1]


# --- data version and output -------------------------------------------------------------------------------
def data_version(root: Path) -> DataVersion:
    digest = hashlib.sha256()
    for rel in CONTENT_PATHS:
        base = root / rel
        for path in sorted(base.rglob("*.yaml")) if base.is_dir() else [base] if base.is_file() else []:
            digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    content_hash = digest.hexdigest()[:12]
    git = ["git", "-C", str(root)]
    try:
        log = subprocess.run([*git, "log", "-1", "--format=%h %cs", "--", *CONTENT_PATHS], capture_output=True, text=True, timeout=20)
        dirty = subprocess.run([*git, "status", "--porcelain", "--", *CONTENT_PATHS], capture_output=True, text=True, timeout=20)
    except OSError:
        return DataVersion(content_hash)
    if log.returncode != 0 or dirty.returncode != 0 or dirty.stdout.strip() or not log.stdout.strip():
        return DataVersion(content_hash)
    commit, date = log.stdout.split()
    return DataVersion(content_hash, commit, date)


def render_html(booklet: Booklet) -> str:
    return make_environment().get_template("booklet/booklet.html.j2").render(b=booklet)


def render_pdf(booklet: Booklet) -> bytes:
    import weasyprint  # imported here: only the booklet command and the release build need it (and Pango)

    return weasyprint.HTML(string=render_html(booklet)).write_pdf()


def booklet_file(root: Path, catalogue: Catalogue, settings: Settings, hall_id: str, today: dt.date | None = None) -> dict[str, bytes]:
    """The A5 booklet of one hall, as `booklets/<hall id>.pdf` for the site (the build typesets halls in parallel)."""
    booklet = make_booklet(catalogue, settings, hall_id, Size.A5, data_version(root), today or dt.date.today())
    return {f"booklets/{hall_id}.pdf": render_pdf(booklet)}


def booklet_halls(catalogue: Catalogue) -> list[str]:
    return [h.id for h in catalogue.halls.values() if catalogue.matters_at(h)]
