"""`stats/statistics.csv`: the numbers of the 行政资源统计 page, one per row, for spreadsheets."""

from __future__ import annotations

import datetime as dt

from ..files import csv_bytes
from ..model import Catalogue
from ..model.statistics import Statistics, compute
from ..urls import STATISTICS_CSV


def statistics_csv(stats: Statistics) -> bytes:
    """The same numbers as the page, one per row (section, item, value, share), UTF-8 with BOM for Excel."""
    rows: list[list[object]] = [["分组", "项目", "数值", "占比"]]
    rows += [["概览", f.label, round(f.value, 4), ""] for f in stats.figures]
    rows += [[t.title, r.label, r.value, f"{r.share:.4f}"] for t in stats.tables for r in t.rows]
    for h in stats.halls:
        rows += [["大厅：本厅窗口", h.label, h.own, ""], ["大厅：同区通办", h.label, h.shared, ""]]
    for r in stats.situations:
        rows += [["分情形：情形数", r.matter.name, r.situations, ""], ["分情形：回答组合数", r.matter.name, r.combinations, ""],
                 ["分情形：最少材料", r.matter.name, r.fewest, ""], ["分情形：材料中位数", r.matter.name, r.median, ""],
                 ["分情形：最多材料", r.matter.name, r.most, ""]]
    rows += [["超过 12 个月未核对", s.matter.name, s.last_verified.isoformat(), ""] for s in stats.stale]
    return csv_bytes(rows)


def statistics_files(cat: Catalogue, today: dt.date | None = None) -> dict[str, bytes]:
    return {STATISTICS_CSV: statistics_csv(compute(cat, today or dt.date.today()))}
