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


class UnreadableFile(Exception):
    """The file cannot be read as a spreadsheet at all; the problem says what to do."""

    def __init__(self, path: Path, message: str):
        super().__init__(message)
        self.problem = Problem(str(path), 1, 1, message)


def read_tables(path: Path) -> tuple[dict[Sheet, Table], list[str]]:
    """The sheets found in an .xlsx file, or in FILE.csv and its FILE.<slug>.csv companions; plus the names
    of worksheets that are not known sheets (the caller reports them)."""
    if path.suffix.lower() == ".xlsx":
        return _read_xlsx(path)
    if path.suffix.lower() == ".csv":
        return _read_csvs(path), []
    raise UnreadableFile(path, "只能导入 .xlsx 或 .csv 文件（Excel 的 .xls 请先另存为 .xlsx）")


def _read_xlsx(path: Path) -> tuple[dict[Sheet, Table], list[str]]:
    from openpyxl import load_workbook  # here: only reading needs openpyxl, and a build would import it for nothing
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as err:
        raise UnreadableFile(path, f"无法作为 Excel 工作簿打开（{type(err).__name__}）；请用 Excel 或 WPS 另存为 .xlsx 后再导入") from None
    try:
        tables, unknown = {}, []
        for ws in wb.worksheets:
            if ws.title == GUIDE_SHEET:
                continue
            if ws.title not in BY_NAME:
                unknown.append(ws.title)
                continue
            rows = [(n, list(values)) for n, values in enumerate(ws.iter_rows(values_only=True), start=1)]
            header = [_header(v) for v in rows[0][1]] if rows else []
            tables[BY_NAME[ws.title]] = Table(f"{path}[{ws.title}]", header, rows[1:])
        return tables, unknown
    finally:
        wb.close()


def _read_csvs(path: Path) -> dict[Sheet, Table]:
    stem = path.name[: -len(path.suffix)]
    tables = {}
    for sheet in SHEETS:
        file = path.with_name(csv_name(stem, sheet))
        if not file.exists():
            continue
        try:
            text = file.read_bytes().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise UnreadableFile(file, "不是 UTF-8 编码（可能是 GBK）；请在 Excel 里“另存为 → CSV UTF-8（逗号分隔）”后再导入") from None
        except OSError as err:
            raise UnreadableFile(file, f"无法读取（{err.strerror}）") from None
        try:
            rows = [(n, [csv_value(v) for v in values]) for n, values in enumerate(csv.reader(io.StringIO(text, newline="")), start=1)]
        except csv.Error as err:
            raise UnreadableFile(file, f"CSV 格式有误（{err}）") from None
        header = [_header(v) for v in rows[0][1]] if rows else []
        tables[sheet] = Table(str(file), header, rows[1:])
    return tables


def _header(value: object) -> str:
    return "" if value is None else str(value).strip()
