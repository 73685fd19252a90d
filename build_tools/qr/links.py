"""Where each short code leads today, and the QR images that carry it."""

from __future__ import annotations

import re
import struct
import zlib
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import zxingcpp

from ..load.registry import Entry
from ..model import Catalogue
from ..schema.matter import State
from ..urls import url_of, with_situation


class ErrorLevel(StrEnum):
    """ISO 18004 error correction: M for paper at the window and in booklets, Q for laminated or outdoor signs."""

    M = "m"
    Q = "q"


@dataclass(frozen=True)
class ShortLink:
    code: str
    kind: str
    id: str
    target: str  # site-relative URL the code resolves to today
    notice: str | None  # why it does not lead to the item itself (merged, delegated), shown on the target


def resolve(catalogue: Catalogue, entry: Entry) -> ShortLink:
    if entry.kind != "matter":
        return ShortLink(entry.code, entry.kind, entry.id, url_of(entry.kind, entry.id), None)
    m = catalogue.matters[entry.id]
    successor = catalogue.final_successor(m)
    if successor and m.status.state in (State.MERGED, State.DELEGATED):
        return ShortLink(entry.code, "matter", m.id, url_of("matter", successor.id) + f"#from-{m.id}", f"{m.name}已{m.status.state}")
    return ShortLink(entry.code, "matter", m.id, url_of("matter", m.id), None)


def all_links(catalogue: Catalogue) -> list[ShortLink]:
    return [resolve(catalogue, e) for e in catalogue.codes.values() if _present(catalogue, e)]


def situation_code(code: str, situation: str) -> str:
    """The short path of a matter's named situation: M0021/S-JIANSHI (uppercase, as printed)."""
    return f"{code}/S-{situation.upper()}"


def situation_links(catalogue: Catalogue) -> list[ShortLink]:
    """A link per named situation of a matter with a code: its page opened at that case. A matter merged into
    another leads to its successor, where the situation may not exist: there the page itself is the answer."""
    out = []
    for e in catalogue.codes.values():
        if e.kind != "matter" or e.id not in catalogue.matters:
            continue
        base = resolve(catalogue, e)
        for s in catalogue.matters[e.id].situations:
            target = base.target if base.notice else with_situation(base.target, s.id)
            out.append(ShortLink(situation_code(e.code, s.id), "situation", f"{e.id}/{s.id}", target, base.notice))
    return out


def _present(catalogue: Catalogue, e: Entry) -> bool:
    tables: dict[str, dict[str, Any]] = {"matter": catalogue.matters, "sop": catalogue.sops, "guide": catalogue.guides, "hall": catalogue.halls}
    table = tables[e.kind]
    return e.id in table


@dataclass(frozen=True)
class QRSymbol:
    """A QR code symbol without its quiet zone: one row of bytes per module row, 1 for a dark module."""

    matrix: tuple[bytes, ...]
    error: str  # "M" or "Q"

    @property
    def version(self) -> int:
        return (len(self.matrix) - 17) // 4


#: zxing-cpp's image pixel -> module (0 is black).
_MODULES = bytes.maketrans(b"\x00\xff", b"\x01\x00")


def make_qr(url: str, level: ErrorLevel = ErrorLevel.M) -> QRSymbol:
    """A QR code (never a Micro QR code, which phone cameras do not read) at exactly `level`: zxing-cpp's C++
    encoder rather than segno's pure-Python one. For the uppercase short URLs it picks the alphanumeric
    mode and smallest version, as segno does; a test checks that each symbol is one of segno's for the URL."""
    image = zxingcpp.create_barcode(url, zxingcpp.BarcodeFormat.QRCode, ec_level=level.value.upper()).to_image(add_quiet_zones=False)
    size = image.shape[0]
    modules = bytes(memoryview(image)).translate(_MODULES)  # type: ignore[arg-type]  # zxingcpp.Image is a buffer
    return QRSymbol(tuple(modules[i:i + size] for i in range(0, size * size, size)), level.value.upper())


#: Within a row of modules, a stretch of light modules and the dark ones after it.
_STRETCHES = re.compile(rb"\x00*\x01+")


class _Moves(dict):
    """Stretch of a row -> the path's move over its light modules and line along its dark ones. A symbol has
    hundreds of stretches but few distinct ones, so each is formatted once per build, not once per symbol."""

    def __missing__(self, stretch: bytes) -> str:
        light, dark = _split(stretch)
        move = self[stretch] = f"m{light} 0h{dark}"
        return move


_MOVES = _Moves()


def _split(stretch: bytes) -> tuple[int, int]:
    """How many light modules a stretch starts with, and how many dark ones follow."""
    light = len(stretch) - len(stretch.lstrip(b"\x00"))
    return light, len(stretch) - light


def line_path(qr: QRSymbol) -> str:
    """SVG path data in module units, quiet zone (4 modules) included: one horizontal line a module wide along
    each run of dark modules, to be stroked. segno's SVG writer draws the same path (a test compares them); written
    from the runs directly, it costs a fraction of segno's."""
    moves: list[str] = []
    x, y = 0, 0.0  # where the pen is: the end of the last line drawn, quiet zone included
    for row_number, row in enumerate(qr.matrix):
        stretches = _STRETCHES.findall(row)
        if not stretches:
            continue
        line_y, first = row_number + 4.5, stretches[0]  # the middle of the row; the first move comes from the last row
        (light, dark), dy = _split(first), line_y - y
        moves.append(f"{'m' if moves else 'M'}{light + 4 - x} {int(dy) if dy == int(dy) else dy}h{dark}")
        moves += map(_MOVES.__getitem__, stretches[1:])
        x, y = len(row.rstrip(b"\x00")) + 4, line_y
    return "".join(moves)


#: Module value -> PNG pixel byte: 8 pixels a module, so one module is exactly one byte of a 1-bit scanline
#: (greyscale, 1 = white).
_PNG_PIXELS = bytes.maketrans(b"\x00\x01", b"\xff\x00")


def png(qr: QRSymbol) -> bytes:
    """Raster image to download: 8 px a module, quiet zone 4 modules, 1-bit greyscale. The same pixels as segno's
    PNG writer (a test compares them), written a row of modules at a time rather than packing every pixel in
    Python as segno does. Compressed at zlib's fastest level, not segno's 9: the images are tiny either way, and
    a build writes thousands of them."""
    border = b"\xff" * 4
    blank = b"\2" + bytes(len(qr.matrix) + 8)  # filter "Up", no change: the 7 pixel rows under a scanline
    quiet = b"\0" + border + b"\xff" * len(qr.matrix) + border
    rows = [b"\0" + border + bytes(row).translate(_PNG_PIXELS) + border + blank * 7 for row in qr.matrix]
    data = b"".join([quiet * 32, *rows, quiet * 32])
    width = (len(qr.matrix) + 8) * 8
    return b"\x89PNG\r\n\x1a\n" + b"".join(_png_chunk(name, body) for name, body in (
        (b"IHDR", struct.pack(">2I5B", width, width, 1, 0, 0, 0, 0)), (b"IDAT", zlib.compress(data, 1)), (b"IEND", b"")))


def _png_chunk(name: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + name + body + struct.pack(">I", zlib.crc32(name + body))
