"""A4 print sheets of QR codes for a hall or one window, and a proof sheet of every code.

Geometry is in millimetres so print sizes can be checked against the rules in ux-anchors §9: quiet zone
≥ 4 modules, code ≥ 2.5 cm at hand-held distance, the readable short URL printed beside every code.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..model import Catalogue
from ..schema import Hall, Matter
from ..settings import Settings
from ..urls import short_url
from .links import ErrorLevel, QRSymbol, make_qr

A4_W, A4_H, MARGIN = 210.0, 297.0, 12.0
QUIET_ZONE = 4


@dataclass(frozen=True)
class Layout:
    """How many cards per page and how large each code is printed."""

    columns: int
    rows: int
    qr_mm: float


WINDOW = Layout(columns=2, rows=3, qr_mm=55.0)   # counter sheet, scanned from 30-60 cm
PROOF = Layout(columns=4, rows=6, qr_mm=30.0)    # proof sheet: every code, for checking before printing


@dataclass(frozen=True)
class Symbol:
    """A QR symbol as SVG path data in module units (quiet zone included), scaled to size in the template."""

    modules: int
    path: str
    version: int
    error: str


@dataclass(frozen=True)
class Card:
    x: float
    y: float
    width: float
    height: float
    title: str
    url: str
    label: str
    symbol: Symbol
    qr_mm: float

    @property
    def module_mm(self) -> float:
        return self.qr_mm / self.symbol.modules


@dataclass(frozen=True)
class Sheet:
    title: str
    page: int
    pages: int
    cards: list[Card]
    width: float = A4_W
    height: float = A4_H


def symbol(qr: QRSymbol) -> Symbol:
    """Run-length path of the dark modules, offset by the quiet zone (one subpath per horizontal run)."""
    parts = []
    for y, row in enumerate(qr.matrix):
        x = 0
        while x < len(row):
            if row[x]:
                start = x
                while x < len(row) and row[x]:
                    x += 1
                parts.append(f"M{start + QUIET_ZONE} {y + QUIET_ZONE}h{x - start}v1h-{x - start}z")
            else:
                x += 1
    size = len(qr.matrix) + 2 * QUIET_ZONE
    return Symbol(size, "".join(parts), qr.version, qr.error)


def hall_matters(catalogue: Catalogue, hall: Hall, window: str | None) -> list[Matter]:
    matters = catalogue.matters_at(hall)
    if window is None:
        return matters
    return [m for m in matters if m.channels.window and window in m.channels.window.windows.get(hall.id, [])]


def hall_sheets(catalogue: Catalogue, settings: Settings, hall: Hall, window: str | None, level: ErrorLevel, tracked: bool) -> list[Sheet]:
    """Sheets for one hall (or one window). With `tracked`, each URL carries the placement (W<window> or
    H<hall code>) so the short-link server can count scans per placement without personal data."""
    placement = None
    if tracked:
        placement = f"W{window}" if window else catalogue.code_of("hall", hall.id)
    label = f"{hall.name}" + (f" · {window} 窗口" if window else "")
    items = []
    for m in hall_matters(catalogue, hall, window):
        code = catalogue.code_of("matter", m.id)
        url = short_url(settings, code, placement)
        items.append((m.name, url, label, make_qr(url, level)))
    return _paginate(f"{label} 办事二维码", items, WINDOW)


def proof_sheets(catalogue: Catalogue, settings: Settings, level: ErrorLevel) -> list[Sheet]:
    items = []
    for code, entry in catalogue.codes.items():
        tables: dict[str, dict[str, Any]] = {"matter": catalogue.matters, "sop": catalogue.sops, "guide": catalogue.guides, "hall": catalogue.halls}
        table = tables[entry.kind]
        if entry.id not in table:
            continue
        obj = table[entry.id]
        url = short_url(settings, code)
        items.append((getattr(obj, "name", None) or obj.title, url, f"{code} · {entry.kind}:{entry.id}", make_qr(url, level)))
    return _paginate("二维码校样（打印前逐个扫码核对）", items, PROOF)


def _paginate(title: str, items: list[tuple[str, str, str, QRSymbol]], layout: Layout) -> list[Sheet]:
    per_page = layout.columns * layout.rows
    cell_w = (A4_W - 2 * MARGIN) / layout.columns
    cell_h = (A4_H - 2 * MARGIN - 10) / layout.rows
    pages = max(1, -(-len(items) // per_page))
    sheets = []
    for p in range(pages):
        cards = []
        for i, (name, url, label, qr) in enumerate(items[p * per_page:(p + 1) * per_page]):
            col, row = i % layout.columns, i // layout.columns
            cards.append(Card(MARGIN + col * cell_w, MARGIN + 10 + row * cell_h, cell_w, cell_h, name, url, label, symbol(qr), layout.qr_mm))
        sheets.append(Sheet(title, p + 1, pages, cards))
    return sheets
