"""Where each short code leads today, and the QR images that carry it."""

from __future__ import annotations

import re
import struct
import zlib
from dataclasses import dataclass
from enum import StrEnum

import zxingcpp

from ..model import Catalogue
from ..schema.matter import State
from ..settings import Settings
from ..urls import url_of
from .registry import Entry


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


def short_url(settings: Settings, code: str, placement: str | None = None) -> str:
    """The printed URL. Uppercase throughout, so the QR symbol uses alphanumeric mode (scheme and host are
    case-insensitive). A placement suffix (window 12, booklet page 7) lets the server count scans without
    personal data: /Q/M0001/W12."""
    base = settings.short_url_base.rstrip("/").upper()
    return f"{base}/Q/{code}" + (f"/{placement.upper()}" if placement else "")


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


def _present(catalogue: Catalogue, e: Entry) -> bool:
    table = {"matter": catalogue.matters, "sop": catalogue.sops, "guide": catalogue.guides, "hall": catalogue.halls}[e.kind]
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
    encoder, 0.16 ms a symbol where segno took 0.7 ms. For the uppercase short URLs it picks the alphanumeric
    mode and smallest version, as segno does; a test checks that each symbol is one of segno's for the URL."""
    image = zxingcpp.create_barcode(url, zxingcpp.BarcodeFormat.QRCode, ec_level=level.value.upper()).to_image(add_quiet_zones=False)
    size = image.shape[0]
    modules = bytes(memoryview(image)).translate(_MODULES)
    return QRSymbol(tuple(modules[i:i + size] for i in range(0, size * size, size)), level.value.upper())


_DARK_RUNS = re.compile(rb"\x01+")


def svg(qr: QRSymbol) -> bytes:
    """Vector image for the page and print: 4 px a module, quiet zone 4 modules (ISO minimum), one stroked line
    per run of dark modules. The same bytes as segno's SVG writer (a test compares them), written from the runs
    directly: segno's writer took as long as the symbol itself."""
    moves, x, y = [], 0, 0.0  # where the pen is: the end of the last line drawn
    for row_number, row in enumerate(qr.matrix):
        line_y = row_number + 4.5  # the middle of the row, quiet zone included
        for run in _DARK_RUNS.finditer(row):
            start, dy = run.start() + 4, line_y - y
            moves.append(f"{'m' if moves else 'M'}{start - x} {int(dy) if dy == int(dy) else dy}h{run.end() - run.start()}")
            x, y = run.end() + 4, line_y
    size = (len(qr.matrix) + 8) * 4
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{size}" height="{size}" class="segno"><title>二维码</title>'
            f'<path transform="scale(4)" class="qrline" stroke="#000" d="{"".join(moves)}"/></svg>\n').encode("utf-8")


#: Module value -> PNG pixel byte: 8 pixels a module, so one module is exactly one byte of a 1-bit scanline
#: (greyscale, 1 = white).
_PNG_PIXELS = bytes.maketrans(b"\x00\x01", b"\xff\x00")


def png(qr: QRSymbol) -> bytes:
    """Raster image to download: 8 px a module, quiet zone 4 modules, 1-bit greyscale. The same pixels as segno's
    PNG writer (a test compares them), written a row of modules at a time: segno packs every pixel in Python,
    which made PNGs a third of the QR stage at thousands of matters. Compressed at zlib's default level, not
    segno's 9: 0.07 ms instead of 0.7 ms an image (3 s at 5,000 matters) for 13 more bytes."""
    border = b"\xff" * 4
    blank = b"\2" + bytes(len(qr.matrix) + 8)  # filter "Up", no change: the 7 pixel rows under a scanline
    quiet = b"\0" + border + b"\xff" * len(qr.matrix) + border
    rows = [b"\0" + border + bytes(row).translate(_PNG_PIXELS) + border + blank * 7 for row in qr.matrix]
    data = b"".join([quiet * 32, *rows, quiet * 32])
    width = (len(qr.matrix) + 8) * 8
    return b"\x89PNG\r\n\x1a\n" + b"".join(_png_chunk(name, body) for name, body in (
        (b"IHDR", struct.pack(">2I5B", width, width, 1, 0, 0, 0, 0)), (b"IDAT", zlib.compress(data)), (b"IEND", b"")))


def _png_chunk(name: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + name + body + struct.pack(">I", zlib.crc32(name + body))
