"""Spreadsheet files: the tables of `tables.py` as one XLSX workbook (a worksheet per sheet) or as CSV files
(FILE.csv for the matters, FILE.<slug>.csv beside it for each other sheet).

XLSX output is reproducible byte for byte (fixed document dates, fixed zip timestamps), so an unchanged
catalogue leaves the published file untouched and the committed import template can be checked for drift.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from ..files import csv_bytes, csv_value
from ..load.yamlpos import guess_encoding
from ..problems import Problem
from .spreadsheetml import Worksheet, workbook_bytes
from .tables import BY_NAME, MATTERS, SHEETS, Kind, Row, Sheet, headers

#: Where the documentation sheet of the template lives; the importer skips it.
GUIDE_SHEET = "填写说明"


def xlsx_bytes(tables: dict[Sheet, list[Row]], as_of: dt.date, guide: list[list[str]] | None = None, compresslevel: int | None = None) -> bytes:
    """One worksheet per sheet (header row, then the rows); `guide` rows, if any, become a first sheet that
    documents the columns. Every column is text-formatted so that codes typed later keep their leading zeros,
    and one-choice columns offer their allowed values as a drop-down list. `compresslevel`: see `workbook_bytes`."""
    sheets = [Worksheet(GUIDE_SHEET, guide[0], guide[1:])] if guide else []
    for sheet, rows in tables.items():
        first = 1 if sheet is MATTERS else 2  # the other sheets start with the matter id
        choices = {i: sheet.choices(c) for i, c in enumerate(sheet.columns, start=first) if sheet.kind(c) is not Kind.LIST}
        sheets.append(Worksheet(sheet.name, headers(sheet), rows, range(first, first + len(sheet.columns)),
                                {i: values for i, values in choices.items() if values}))
    return workbook_bytes(sheets, dt.datetime.combine(as_of, dt.time()), creator="build_tools", compresslevel=compresslevel)


def csv_files(stem: str, tables: dict[Sheet, list[Row]]) -> dict[str, bytes]:
    """UTF-8 with a byte-order mark, so Excel opens the Chinese text correctly; cells that would be formulas are
    neutralised (`files.csv_cell`), and reading takes that off again."""
    return {csv_name(stem, sheet): csv_bytes([headers(sheet), *rows]) for sheet, rows in tables.items()}


def csv_name(stem: str, sheet: Sheet) -> str:
    return f"{stem}.csv" if sheet is MATTERS else f"{stem}.{sheet.slug}.csv"


# --- reading ---------------------------------------------------------------------------------------------


@dataclass
class Table:
    """One sheet as read from a file, with the row numbers an editor sees."""

    source: str  # how messages name it: matters.xlsx[申请材料] or matters.materials.csv
    headers: list[str]
    rows: list[tuple[int, list[object]]] = field(default_factory=list)


#: Limits checked before and while a spreadsheet is read, so a small file cannot take the machine's memory or time
#: (a 1.2 MB xlsx held a 1 GiB cell; a 1.5 MB one ten million rows). A department's workbook of 3,000 matters
#: unpacks to about 45 MB and its longest sheet has some 15,000 rows.
MAX_FILE_BYTES = 50 * 1024 * 1024  # the .xlsx or each .csv as stored
MAX_UNPACKED_BYTES = 50 * 1024 * 1024  # all parts of an .xlsx unpacked
MAX_PART_BYTES = 25 * 1024 * 1024  # one part (a worksheet, the shared strings)
MAX_PARTS = 1000
MAX_ROWS = 100_000  # per sheet
MAX_CELL_CHARS = 32_767  # Excel's own limit for a cell


class UnreadableFile(Exception):
    """The file cannot be read as a spreadsheet at all; the problem says what to do."""

    def __init__(self, path: Path | str, message: str, row: int = 1, col: int = 1):
        super().__init__(message)
        self.problem = Problem(str(path), row, col, message)


def read_tables(path: Path) -> tuple[dict[Sheet, Table], list[str]]:
    """The sheets found in an .xlsx file, or in FILE.csv and its FILE.<slug>.csv companions; plus the names
    of worksheets that are not known sheets (the caller reports them)."""
    if path.suffix.lower() in (".xlsx", ".csv"):
        _check_size(path)
    if path.suffix.lower() == ".xlsx":
        return _read_xlsx(path)
    if path.suffix.lower() == ".csv":
        return _read_csvs(path), []
    raise UnreadableFile(path, "只能导入 .xlsx 或 .csv 文件（Excel 的 .xls 请先另存为 .xlsx）")


def _read_xlsx(path: Path) -> tuple[dict[Sheet, Table], list[str]]:
    from openpyxl import load_workbook  # here: only reading needs openpyxl, and a build would import it for nothing
    from openpyxl.utils.exceptions import InvalidFileException

    unreadable = (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError, SyntaxError)  # SyntaxError: XML's
    try:
        _check_unpacked(path)
        wb = load_workbook(path, read_only=True, data_only=True)
    except unreadable as err:
        raise UnreadableFile(path, f"无法作为 Excel 工作簿打开（{type(err).__name__}）；请用 Excel 或 WPS 另存为 .xlsx 后再导入") from None
    try:
        tables, unknown = {}, []
        for ws in wb.worksheets:
            if ws.title == GUIDE_SHEET:
                continue
            if ws.title not in BY_NAME:
                unknown.append(ws.title)
                continue
            ws.reset_dimensions()  # rows as long as their cells: a stated size (A1:XFD1048576) would pad every row
            source = f"{path}[{ws.title}]"
            rows = _limited(source, ws.iter_rows(values_only=True))
            header = [_header(v) for v in rows[0][1]] if rows else []
            tables[BY_NAME[ws.title]] = Table(source, header, rows[1:])
        return tables, unknown
    except unreadable as err:
        raise UnreadableFile(path, f"工作簿内容已损坏，无法读取（{type(err).__name__}）；请用 Excel 或 WPS 另存为 .xlsx 后再导入") from None
    finally:
        wb.close()


def _check_size(path: Path) -> None:
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise UnreadableFile(path, f"文件太大（{size // 1024 // 1024} MB，上限 {MAX_FILE_BYTES // 1024 // 1024} MB）；请分成几个文件导入")


def _check_unpacked(path: Path) -> None:
    """The parts' sizes as the zip states them, before anything is unpacked (reading stops at the stated size)."""
    with zipfile.ZipFile(path) as z:
        parts = z.infolist()
    if not parts:
        return
    total, biggest = sum(p.file_size for p in parts), max(parts, key=lambda p: p.file_size)
    if len(parts) > MAX_PARTS or total > MAX_UNPACKED_BYTES or biggest.file_size > MAX_PART_BYTES:
        raise UnreadableFile(path, f"工作簿解压后太大（{len(parts)} 个部分共 {total >> 20} MB，最大的 {biggest.filename} {biggest.file_size >> 20} MB；"
                                   f"上限是 {MAX_PARTS} 个部分共 {MAX_UNPACKED_BYTES >> 20} MB、每部分 {MAX_PART_BYTES >> 20} MB）；"
                                   "请删掉多余的工作表和格式，或分成几个文件导入")


def _limited(source: str, rows) -> list[tuple[int, list[object]]]:
    """The rows, numbered as the editor sees them; past MAX_ROWS rows, or at a cell longer than MAX_CELL_CHARS, the
    file is refused there."""
    read = []
    for n, values in enumerate(rows, start=1):
        if n > MAX_ROWS:
            raise UnreadableFile(source, f"行数太多（超过 {MAX_ROWS} 行）；请删掉空行和多余的行，或分成几个文件导入", n, 1)
        for col, value in enumerate(values, start=1):
            if isinstance(value, str) and len(value) > MAX_CELL_CHARS:
                raise UnreadableFile(source, f"单元格太长（{len(value)} 个字，上限 {MAX_CELL_CHARS} 个字）", n, col)
        read.append((n, list(values)))
    return read


def _read_csvs(path: Path) -> dict[Sheet, Table]:
    stem = path.name[: -len(path.suffix)]
    tables = {}
    for sheet in SHEETS:
        file = path.with_name(csv_name(stem, sheet))
        if not file.exists():
            continue
        try:
            _check_size(file)
            raw = file.read_bytes()
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            guess = guess_encoding(raw) or "其他编码"
            raise UnreadableFile(file, f"不是 UTF-8 编码（看起来是 {guess}）；请在 Excel 里“另存为 → CSV UTF-8（逗号分隔）”后再导入") from None
        except OSError as err:
            raise UnreadableFile(file, f"无法读取（{err.strerror}）") from None
        reader = csv.reader(io.StringIO(text, newline=""))
        try:
            rows: list[tuple[int, list[object]]] = [(n, [csv_value(str(v)) for v in values]) for n, values in _limited(str(file), reader)]
        except csv.Error as err:
            if "field larger than field limit" in str(err):
                raise UnreadableFile(file, f"单元格太长（上限 {MAX_CELL_CHARS} 个字）", reader.line_num) from None
            raise UnreadableFile(file, f"CSV 格式有误（{err}）", reader.line_num) from None
        header = [_header(v) for v in rows[0][1]] if rows else []
        tables[sheet] = Table(str(file), header, rows[1:])
    return tables


def _header(value: object) -> str:
    return "" if value is None else str(value).strip()
