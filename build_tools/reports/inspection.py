"""Window-service inspections (暗访和自查): the CSV template inspectors fill in (one row per checklist item,
`model/checklist.py`), and the 标准化执行检查报告 summarised from the filled-in files."""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ..files import csv_bytes, csv_value
from ..model import Catalogue
from ..model.checklist import ChecklistItem, checklist
from ..schema import Hall
from ..urls import INSPECTION_CSV

#: Columns of the CSV template, in order; `note` is the only optional one in a filled-in file.
COLUMNS = ("hall", "window", "date", "inspector", "sop_id", "item_id", "score", "note")
REQUIRED = COLUMNS[:-1]

_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")


def template_csv(items: Iterable[ChecklistItem]) -> bytes:
    """The blank results sheet: one row per item, SOP and item ids filled in. UTF-8 with BOM, so Excel opens it."""
    return csv_bytes([COLUMNS, *(["", "", "", "", c.sop.id, c.item.id, "", ""] for c in items)])


def inspection_files(catalogue: Catalogue) -> dict[str, bytes]:
    """The blank results sheet the staff site offers beside the printable checklist."""
    return {INSPECTION_CSV: template_csv(checklist(catalogue))}


# --- reading filled-in files ------------------------------------------------------------------


@dataclass(frozen=True)
class RowError:
    """A problem in an input file, printed as `file:row: message` (row 1 is the header, as in a spreadsheet)."""

    file: str
    row: int | None  # None: the whole file
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.message}" if self.row is None else f"{self.file}:{self.row}: {self.message}"


@dataclass(frozen=True)
class Record:
    """One scored item of one visit."""

    hall: Hall
    window: str
    date: dt.date
    inspector: str
    item: ChecklistItem
    score: float

    @property
    def visit(self) -> tuple[str, str, dt.date, str]:
        """Rows with the same hall, window, date and inspector belong to one inspection visit."""
        return (self.hall.id, self.window, self.date, self.inspector)


@dataclass
class _Reader:
    """Turns rows into records, collecting every problem instead of stopping at the first."""

    catalogue: Catalogue
    today: dt.date
    items: dict[tuple[str, str], ChecklistItem] = field(init=False)
    halls: dict[str, Hall] = field(init=False)
    records: list[Record] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    seen: dict[tuple, tuple[str, int]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.items = {(c.sop.id, c.item.id): c for c in checklist(self.catalogue)}
        self.halls = {h.id: h for h in self.catalogue.halls.values()} | {h.name: h for h in self.catalogue.halls.values()}

    def read_file(self, path: Path) -> None:
        name = str(path)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            self.errors.append(RowError(name, None, "文件不存在"))
            return
        except IsADirectoryError:
            self.errors.append(RowError(name, None, "这是文件夹；请给出 CSV 文件"))
            return
        except OSError as err:
            self.errors.append(RowError(name, None, f"无法读取：{err.strerror or err}"))
            return
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = data.decode("gb18030", errors="replace")  # Excel on Chinese Windows saves CSV as GBK
        try:
            rows = [[csv_value(cell) for cell in row] for row in csv.reader(io.StringIO(text, newline=""))]
        except csv.Error as err:
            self.errors.append(RowError(name, None, f"不是可以读取的 CSV 文件（{err}）；请在表格软件里另存为 CSV"))
            return
        if not rows:
            self.errors.append(RowError(name, 1, "文件是空的；第一行应是列名：" + ",".join(COLUMNS)))
            return
        header = [h.strip().lower() for h in rows[0]]
        missing = [c for c in REQUIRED if c not in header]
        if missing:
            self.errors.append(RowError(name, 1, f"缺少列 {'、'.join(missing)}；第一行应是：{','.join(COLUMNS)}（请从检查表页面下载模板）"))
            return
        for number, cells in enumerate(rows[1:], start=2):
            values = {col: (cells[i].strip() if i < len(cells) else "") for i, col in enumerate(header)}
            if any(values.values()):
                self.read_row(name, number, values)

    def read_row(self, name: str, number: int, v: dict[str, str]) -> None:
        problems: list[str] = []
        item = self.items.get((v["sop_id"], v["item_id"]))
        if item is None:
            problems.append(self._unknown_item(v["sop_id"], v["item_id"]))
        if v["score"]:  # a blank score: not checked on this visit, or a template row nobody filled in
            hall, day, score = self._hall(v["hall"], problems), self._date(v["date"], problems), self._score(v["score"], item, problems)
            if not problems and hall and day and item and score is not None:
                record = Record(hall, v["window"], day, v["inspector"], item, score)
                key = (*record.visit, item.sop.id, item.item.id)
                if key in self.seen:
                    other, row = self.seen[key]
                    where = f"第 {row} 行" if other == name else f"{other} 第 {row} 行"
                    problems.append(f"与{where}重复：同一次检查（大厅、窗口、日期、检查人都相同）的同一条目只能有一个得分")
                else:
                    self.seen[key] = (name, number)
                    self.records.append(record)
        self.errors += [RowError(name, number, p) for p in problems]

    def _hall(self, text: str, problems: list[str]) -> Hall | None:
        hall = self.halls.get(text)
        if hall is None:
            examples = "、".join(h.name for h in list(self.catalogue.halls.values())[:3])
            problems.append(f"找不到大厅“{text}”；请写大厅名称或 id，例如：{examples}" if text else "没有填大厅（hall）；请写大厅名称或 id")
        return hall

    def _date(self, text: str, problems: list[str]) -> dt.date | None:
        day = _parse_date(text)
        if day is None:
            problems.append(f"日期“{text}”不对；请写成 2026-11-27 这样的年-月-日，且日期要存在" if text else "没有填日期（date）；格式例如 2026-11-27")
        elif day > self.today:
            problems.append(f"日期 {day} 在今天（{self.today}）之后")
            return None
        return day

    @staticmethod
    def _score(text: str, item: ChecklistItem | None, problems: list[str]) -> float | None:
        try:
            score = float(text.removesuffix("分").strip())
        except ValueError:
            score = math.nan
        if not math.isfinite(score):
            problems.append(f"得分“{text}”不是数字")
            return None
        if item is not None and not 0 <= score <= item.full_marks:
            problems.append(f"得分 {text} 不在 0 到 {item.full_marks} 分之间（{item.sop.id} {item.item.id} 的评分规则：{item.item.scoring}）")
            return None
        return score

    def _unknown_item(self, sop_id: str, item_id: str) -> str:
        sop_ids = sorted({s for s, _ in self.items})
        if not sop_id or sop_id not in sop_ids:
            return f"找不到窗口服务规范“{sop_id}”（sop_id）；可用的：{'、'.join(sop_ids)}"
        ids = [i for s, i in self.items if s == sop_id]
        return f"窗口服务规范 {sop_id} 里没有条目“{item_id}”（item_id）；可用的：{'、'.join(ids)}"


def _parse_date(text: str) -> dt.date | None:
    match = _DATE.match(text)
    if not match:
        return None
    try:
        return dt.date(*(int(g) for g in match.groups()))
    except ValueError:
        return None


def read_results(paths: Iterable[Path], catalogue: Catalogue, today: dt.date | None = None) -> tuple[list[Record], list[RowError]]:
    """Every scored row of every file, and every problem found (a file with problems still yields its good rows)."""
    reader = _Reader(catalogue, today or dt.date.today())
    for path in paths:
        reader.read_file(path)
    return reader.records, reader.errors


# --- the report ---------------------------------------------------------------------------------


@dataclass
class Tally:
    """Scored checks of one hall or one item: how many, how many with full marks, points got out of possible."""

    checks: int = 0
    full: int = 0
    points: float = 0.0
    possible: int = 0

    def add(self, record: Record) -> None:
        self.checks += 1
        self.full += record.score == record.item.full_marks
        self.points += record.score
        self.possible += record.item.full_marks

    @property
    def failures(self) -> int:
        return self.checks - self.full

    @property
    def score_rate(self) -> float:
        """Points got per 100 possible (得分率, 百分制)."""
        return 100 * self.points / self.possible

    @property
    def full_rate(self) -> float:
        return 100 * self.full / self.checks

    @property
    def failure_rate(self) -> float:
        return 100 * self.failures / self.checks


@dataclass(frozen=True)
class HallLine:
    hall: Hall
    visits: int
    tally: Tally


@dataclass(frozen=True)
class ItemLine:
    item: ChecklistItem
    tally: Tally


@dataclass(frozen=True)
class InspectionReport:
    """The 标准化执行检查报告: halls and items, worst first."""

    files: list[str]
    visits: int
    checks: int
    first: dt.date
    last: dt.date
    halls: list[HallLine]
    items: list[ItemLine]
    unchecked: list[ChecklistItem]


def summarize(files: list[str], records: list[Record], items: list[ChecklistItem]) -> InspectionReport:
    """Group records by hall and by item; at least one record is needed."""
    by_hall: dict[str, Tally] = {}
    hall_of: dict[str, Hall] = {}
    visits_of: dict[str, set] = {}
    by_item: dict[tuple[str, str], Tally] = {}
    for r in records:
        by_hall.setdefault(r.hall.id, Tally()).add(r)
        hall_of[r.hall.id] = r.hall
        visits_of.setdefault(r.hall.id, set()).add(r.visit)
        by_item.setdefault((r.item.sop.id, r.item.item.id), Tally()).add(r)
    order = {(c.sop.id, c.item.id): n for n, c in enumerate(items)}
    halls = sorted((HallLine(hall_of[h], len(visits_of[h]), t) for h, t in by_hall.items()), key=lambda line: (line.tally.score_rate, line.hall.id))
    lines = [ItemLine(c, by_item[(c.sop.id, c.item.id)]) for c in items if (c.sop.id, c.item.id) in by_item]
    lines.sort(key=lambda line: (-line.tally.failure_rate, line.tally.score_rate, order[(line.item.sop.id, line.item.item.id)]))
    return InspectionReport(
        files=files,
        visits=len({r.visit for r in records}),
        checks=len(records),
        first=min(r.date for r in records),
        last=max(r.date for r in records),
        halls=halls,
        items=lines,
        unchecked=[c for c in items if (c.sop.id, c.item.id) not in by_item],
    )


def report_csv(report: InspectionReport) -> bytes:
    """The report's two tables as one CSV for spreadsheets: `level` is hall or item. UTF-8 with BOM."""
    rows: list[list[object]] = [["level", "hall", "sop_id", "item_id", "category", "visits", "checks", "full_marks", "failures",
                     "score_rate", "full_marks_pct", "failure_pct"]]
    for h in report.halls:
        t = h.tally
        rows.append(["hall", h.hall.name, "", "", "", h.visits, t.checks, t.full, t.failures, f"{t.score_rate:.1f}", f"{t.full_rate:.1f}", f"{t.failure_rate:.1f}"])
    for i in report.items:
        t = i.tally
        rows.append(["item", "", i.item.sop.id, i.item.item.id, i.item.item.category, "", t.checks, t.full, t.failures,
                     f"{t.score_rate:.1f}", f"{t.full_rate:.1f}", f"{t.failure_rate:.1f}"])
    return csv_bytes(rows)
