"""Writing XLSX (Office Open XML SpreadsheetML) directly, for the few features the exports use: a bold frozen
header row, text-formatted columns, column widths, drop-down lists, wrapped multi-line text.

openpyxl (still used to read workbooks) builds a Python object per cell and serialises each through an XML
tree, which does not scale to the hundreds of thousands of cells of a city's exports. Here a row is one joined string and each
distinct text is written once (shared strings), which is also how Excel itself saves.
"""

from __future__ import annotations

import datetime as dt
import io
import itertools
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from xml.sax.saxutils import escape, quoteattr

Cell = str | int | None
#: Characters XML 1.0 does not allow, which openpyxl refuses too: the C0 controls but tab, line feed and carriage
#: return. (Written here, as is `_column_letter`, so a build does not import openpyxl before anything runs.)
_ILLEGAL_CHARACTERS = re.compile(r"[\000-\010\013\014\016-\037]")

_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml"

# Cell formats (indexes into cellXfs below): text "@" keeps codes typed later with their leading zeros.
_TEXT, _HEADER, _WRAPPED = 1, 2, 3
_STYLES = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="{_MAIN}"><fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>\
<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts><fills count="2"><fill><patternFill patternType="none"/></fill>\
<fill><patternFill patternType="gray125"/></fill></fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>\
<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="4">\
<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>\
<xf numFmtId="49" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>\
<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>\
<xf numFmtId="49" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1" applyAlignment="1"><alignment wrapText="1"/></xf>\
</cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>"""


@dataclass
class Worksheet:
    name: str
    header: list[str]
    rows: Sequence[Sequence[Cell]]
    text_columns: range = range(0)  # 1-based numbers of the columns formatted as text
    choices: dict[int, tuple[str, ...]] = field(default_factory=dict)  # 1-based column -> its drop-down list


def workbook_bytes(sheets: list[Worksheet], created: dt.datetime, creator: str, compresslevel: int | None = None) -> bytes:
    """The workbook as XLSX bytes; the same input gives the same bytes (fixed zip times, dates from `created`).
    `compresslevel` is zlib's (1 fastest ... 9 smallest), by default zlib's default (6)."""
    cells = _Cells()
    parts = {f"xl/worksheets/sheet{n}.xml": _worksheet(s, cells) for n, s in enumerate(sheets, start=1)}
    stamp = created.strftime("%Y-%m-%dT%H:%M:%SZ")
    n = len(sheets)
    parts = {
        "[Content_Types].xml": _xml(f'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                                    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                                    '<Default Extension="xml" ContentType="application/xml"/>'
                                    f'<Override PartName="/xl/workbook.xml" ContentType="{_CT}.sheet.main+xml"/>'
                                    + "".join(f'<Override PartName="/{p}" ContentType="{_CT}.worksheet+xml"/>' for p in parts)
                                    + f'<Override PartName="/xl/styles.xml" ContentType="{_CT}.styles+xml"/>'
                                    f'<Override PartName="/xl/sharedStrings.xml" ContentType="{_CT}.sharedStrings+xml"/>'
                                    '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
                                    '</Types>'),
        "_rels/.rels": _xml(f'<Relationships xmlns="{_PKG_REL}"><Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/>'
                            '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" '
                            'Target="docProps/core.xml"/></Relationships>'),
        "docProps/core.xml": _xml('<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
                                  'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
                                  f'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:creator>{escape(creator)}</dc:creator>'
                                  f'<dcterms:created xsi:type="dcterms:W3CDTF">{stamp}</dcterms:created>'
                                  f'<dcterms:modified xsi:type="dcterms:W3CDTF">{stamp}</dcterms:modified></cp:coreProperties>'),
        "xl/workbook.xml": _xml(f'<workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><bookViews><workbookView/></bookViews><sheets>'
                                + "".join(f'<sheet name={quoteattr(s.name)} sheetId="{i}" r:id="rId{i}"/>' for i, s in enumerate(sheets, start=1))
                                + "</sheets></workbook>"),
        "xl/_rels/workbook.xml.rels": _xml(f'<Relationships xmlns="{_PKG_REL}">'
                                           + "".join(f'<Relationship Id="rId{i}" Type="{_REL}/worksheet" Target="worksheets/sheet{i}.xml"/>' for i in range(1, n + 1))
                                           + f'<Relationship Id="rId{n + 1}" Type="{_REL}/styles" Target="styles.xml"/>'
                                           f'<Relationship Id="rId{n + 2}" Type="{_REL}/sharedStrings" Target="sharedStrings.xml"/></Relationships>'),
        "xl/styles.xml": _STYLES,
        **parts,
        "xl/sharedStrings.xml": _xml(f'<sst xmlns="{_MAIN}" uniqueCount="{len(cells.strings)}">' + "".join(map(_shared, cells.strings)) + "</sst>"),
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in parts.items():
            info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, text.encode("utf-8"), compresslevel=compresslevel)
    return buffer.getvalue()


class _Cells:
    """The shared strings (each distinct text once, numbered in order of first use) and, per value, the XML of a
    cell after its reference: values repeat across thousands of rows, so each is formatted once."""

    def __init__(self) -> None:
        self.strings: dict[str, int] = {}
        self.tails: dict[Cell, str] = {None: "", "": ""}  # blank: no cell at all

    def tail(self, value: Cell) -> str:
        if isinstance(value, str):
            style = _WRAPPED if "\n" in value else _TEXT
            tail = f' s="{style}" t="s"><v>{self.strings.setdefault(value, len(self.strings))}</v></c>'
        else:
            tail = f"><v>{value}</v></c>"
        self.tails[value] = tail
        return tail

    def header(self, text: str) -> str:
        return f' s="{_HEADER}" t="s"><v>{self.strings.setdefault(text, len(self.strings))}</v></c>'


def _worksheet(sheet: Worksheet, cells: _Cells) -> str:
    """Header in bold and frozen; strings as indexes into the workbook's shared strings."""
    width = max(len(sheet.header), *map(len, sheet.rows), 1)
    letters = [_column_letter(i) for i in range(1, width + 1)]
    rows = ['<row r="1">' + "".join(f'<c r="{letter}1"{cells.header(text)}' for letter, text in zip(letters, sheet.header) if text) + "</row>"]
    tails, tail_of = cells.tails, cells.tail
    for number, row in enumerate(sheet.rows, start=2):
        xml, n = [], str(number)  # the row number formatted once, not once per cell
        for letter, value in zip(letters, row):
            tail = tails.get(value)
            if tail is None:
                tail = tail_of(value)
            if tail:
                xml.append(f'<c r="{letter}{n}"{tail}')
        rows.append(f'<row r="{n}">{"".join(xml)}</row>')
    text = f' style="{_TEXT}"'
    cols = "".join(f'<col min="{i}" max="{i}" width="{w}" customWidth="1"{text if i in sheet.text_columns else ""}/>'
                   for i, w in enumerate(_widths(sheet, width), start=1))
    checks = "".join(f'<dataValidation type="list" allowBlank="1" sqref="{letters[i - 1]}2:{letters[i - 1]}1048576">'
                     f'<formula1>{escape(_quoted(values))}</formula1></dataValidation>' for i, values in sheet.choices.items())
    return _xml(f'<worksheet xmlns="{_MAIN}"><dimension ref="A1:{letters[-1]}{len(sheet.rows) + 1}"/>'
                '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
                '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView></sheetViews>'
                f'<cols>{cols}</cols><sheetData>{"".join(rows)}</sheetData>'
                + (f'<dataValidations count="{len(sheet.choices)}">{checks}</dataValidations>' if checks else "")
                + "</worksheet>")


def _widths(sheet: Worksheet, width: int) -> list[int]:
    """Two columns per character of the longest first line (CJK characters are two columns wide), 8 to 50."""
    longest = [max(map(_text_width, set(column))) for column in itertools.zip_longest(sheet.header, *sheet.rows)]
    longest += [0] * (width - len(longest))
    return [max(8, min(50, 2 * n + 2)) for n in longest]


def _text_width(value: Cell) -> int:
    return len(str(value).partition("\n")[0]) if value else 0


def _column_letter(number: int) -> str:
    """A column's name: 1 -> A, 26 -> Z, 27 -> AA."""
    name = ""
    while number:
        number, rest = divmod(number - 1, 26)
        name = chr(ord("A") + rest) + name
    return name


def _quoted(values: tuple[str, ...]) -> str:
    """A drop-down list as Excel writes it in a formula: one quoted string, values separated by commas."""
    return '"' + ",".join(values) + '"'


def _shared(text: str) -> str:
    if _ILLEGAL_CHARACTERS.search(text):
        raise ValueError(f"“{text}”含有 Excel 不能保存的控制字符")
    space = ' xml:space="preserve"' if text != text.strip() else ""
    return f"<si><t{space}>{escape(text)}</t></si>"


def _xml(body: str) -> str:
    return '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' + body
