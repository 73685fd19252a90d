"""`stats/statistics.csv`: the numbers of the 行政资源统计 page, one per row, for spreadsheets."""

from __future__ import annotations

import csv
import datetime as dt
import io

from ..model import Catalogue
from ..model.statistics import Statistics, compute
from ..urls import STATISTICS_CSV


def statistics_csv(stats: Statistics) -> bytes:
    """The same numbers as the page, one per row (section, item, value, share), UTF-8 with BOM for Excel."""
    buf = io.StringIO()
    out = csv.writer(buf, lineterminator="\r\n")
    out.writerow(["分组", "项目", "数值", "占比"])
    for f in stats.figures:
        out.writerow(["概览", f.label, round(f.value, 4), ""])
    for t in stats.tables:
        for r in t.rows:
            out.writerow([t.title, r.label, r.value, f"{r.share:.4f}"])
    for h in stats.halls:
        out.writerow(["大厅：本厅窗口", h.label, h.own, ""])
        out.writerow(["大厅：同区通办", h.label, h.shared, ""])
    for r in stats.situations:
        out.writerow(["分情形：情形数", r.matter.name, r.situations, ""])
        out.writerow(["分情形：回答组合数", r.matter.name, r.combinations, ""])
        out.writerow(["分情形：最少材料", r.matter.name, r.fewest, ""])
        out.writerow(["分情形：材料中位数", r.matter.name, r.median, ""])
        out.writerow(["分情形：最多材料", r.matter.name, r.most, ""])
    for s in stats.stale:
        out.writerow(["超过 12 个月未核对", s.matter.name, s.last_verified.isoformat(), ""])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def statistics_files(cat: Catalogue, today: dt.date | None = None) -> dict[str, bytes]:
    return {STATISTICS_CSV: statistics_csv(compute(cat, today or dt.date.today()))}
