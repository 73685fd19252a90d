"""行政资源统计: figures about the catalogue, computed at build time from the matters.

Counts are over live matters (在办 and 暂停) unless a table says otherwise. Python computes every number here;
the template `stats.md.j2` draws the bar charts (SVG) and the tables from them, and `reports/statistics.py` writes
the same numbers for spreadsheets, so chart, table and download cannot disagree.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter
from dataclasses import dataclass
from typing import Callable, Sequence

from .. import situations
from ..schema import Hall, Matter
from ..schema.common import Duration
from ..schema.matter import Audience, HandlingType, Material, MatterType, OnlineDepth, Scope, State
from ..urls import url_of
from .catalogue import Catalogue


@dataclass(frozen=True)
class Row:
    label: str
    value: int
    share: float  # of the table's base (0..1)
    url: str | None = None  # site-relative page of the group, when it has one


@dataclass(frozen=True)
class Table:
    """One chart and its table: rows of counts over a base (usually all live matters)."""

    key: str  # anchor on the page
    title: str
    column: str  # what a row is: 部门, 大厅 …
    rows: list[Row]
    base: int
    note: str | None = None

    @property
    def peak(self) -> int:
        return max((r.value for r in self.rows), default=0) or 1


@dataclass(frozen=True)
class HallRow:
    label: str
    url: str
    own: int  # matters with a window of their own in the hall
    shared: int  # 全区通办 matters the street hall also takes


@dataclass(frozen=True)
class Figure:
    """A headline number with the sentence that explains it."""

    key: str
    label: str
    value: float
    text: str  # the value as printed, e.g. "62%" or "3.4"
    detail: str


@dataclass(frozen=True)
class Gap:
    """Matters missing one optional element of a complete guide."""

    label: str
    matters: list[Matter]


@dataclass(frozen=True)
class Stale:
    matter: Matter
    owner: str
    last_verified: dt.date
    months: int


@dataclass(frozen=True)
class SituationRow:
    """A matter split by 办理情形: how many named situations, how many answer combinations the build checks, and
    how many materials (to bring, exempt ones aside) a situation needs at the fewest, the median and the most."""

    matter: Matter
    url: str
    situations: int
    combinations: int
    fewest: int
    median: float
    most: int


@dataclass(frozen=True)
class Statistics:
    as_of: dt.date
    total: int
    figures: list[Figure]
    tables: list[Table]
    halls: list[HallRow]
    gaps: list[Gap]
    stale: list[Stale]
    matter_urls: dict[str, str]
    situations: list[SituationRow]

    def table(self, key: str) -> Table:
        return next(t for t in self.tables if t.key == key)


def compute(cat: Catalogue, today: dt.date) -> Statistics:
    live = cat.live_matters()
    n = len(live)

    def table(key: str, title: str, column: str, groups: Sequence[tuple[str, int, str | None]], base: int = n, note: str | None = None) -> Table:
        return Table(key, title, column, [Row(label, value, _ratio(value, base), url) for label, value, url in groups], base, note)

    def count(pred: Callable[[Matter], bool]) -> int:
        return sum(1 for m in live if pred(m))

    per_department = Counter(m.authority.body for m in live)
    depts = [(d.short_name, per_department[d.id], url_of("department", d.id)) for d in cat.departments.values()]
    hall_rows = sorted((_hall_row(cat, h) for h in cat.halls.values()), key=lambda h: -(h.own + h.shared))
    gaps = _gaps(live)
    types = Counter(m.matter_type for m in live)
    audiences = Counter(a for m in live for a in m.audience)
    handling = Counter(m.handling_type for m in live)
    depths = Counter(d for m in live if m.channels.online for d in m.channels.online.depth)
    scopes = Counter(m.scope for m in live)
    states = Counter(m.status.state for m in cat.matters.values())
    tables = [
        table("department", "按实施部门", "部门", sorted([d for d in depts if d[1]], key=lambda d: -d[1])),
        table("hall", "按大厅（含同区通办）", "大厅", [(h.label, h.own + h.shared, h.url) for h in hall_rows],
              note="全区通办事项在每个街道大厅都能办，所以各大厅合计大于事项总数。"),
        table("type", "按事项类型", "事项类型", [(t.value, types[t], None) for t in MatterType if types[t]]),
        table("audience", "按服务对象", "服务对象", [(a.value, audiences[a], None) for a in Audience],
              note="一个事项可以同时面向个人和企业，所以合计大于事项总数。"),
        table("visits", "到现场次数", "到现场", [("0 次（不用到现场）", count(lambda m: m.visits.count == 0), None), ("1 次", count(lambda m: m.visits.count == 1), None),
                                   ("2 次及以上", count(lambda m: m.visits.count >= 2), None)]),
        table("handling", "办件类型", "办件类型", [(h.value, handling[h], None) for h in HandlingType]),
        table("compression", "承诺时限比法定时限压缩了多少", "压缩幅度", _compression_buckets(live), note="按自然日比较（1 个工作日折合 7/5 个自然日）。"),
        table("online", "网上办理深度（达到各环节的事项数）", "网上办理环节", [("没有网上渠道", count(lambda m: m.channels.online is None), None)]
              + [(d.value, depths[d], None) for d in OnlineDepth],
              note="一个事项可以同时支持多个环节。“受理”“办理”表示可以网上申请。"),
        table("gaps", "内容缺项（缺这一项的事项数）", "缺少的要素", [(g.label, len(g.matters), None) for g in gaps],
              note="这些要素不是必填项，但完整的办事指南最好都有。"),
        table("scope", "通办范围", "通办范围", [(sc.value, scopes[sc], None) for sc in Scope]),
        table("state", "事项状态（全部事项，含已取消、合并、下放的）", "状态", [(st.value, states[st], None) for st in State], base=len(cat.matters)),
    ]
    deep = {OnlineDepth.ACCEPT, OnlineDepth.HANDLE}
    immediate = count(lambda m: m.handling_type is HandlingType.IMMEDIATE)
    at_most_once = count(lambda m: m.visits.count <= 1)
    zero = count(lambda m: m.visits.count == 0)
    tongban = count(lambda m: m.scope is Scope.DISTRICT)
    wider = count(lambda m: m.scope in (Scope.CITY, Scope.COUNTRY))
    online_apply = count(lambda m: m.channels.online is not None and bool(deep & set(m.channels.online.depth)))
    listed = sum(len(m.materials) for m in live)
    brought = sum(cat.material_counts(m).items for m in live)
    exempt = sum(cat.material_counts(m).exempt for m in live)
    timed = _with_legal_limit(live)
    legal = sum(legal.natural_days() for _, legal in timed)
    promised = sum(m.time_limits.promised.natural_days() for m, _ in timed)
    ratios = [1 - m.time_limits.promised.natural_days() / legal.natural_days() for m, legal in timed if legal.natural_days() > 0]

    def percent(key: str, label: str, value: float, detail: str) -> Figure:
        return Figure(key, label, value, f"{value:.0%}", detail)

    def share(key: str, label: str, part: int, detail: str) -> Figure:
        return percent(key, label, _ratio(part, n), detail.format(part=part, n=n))

    def mean(key: str, label: str, total: float, detail: str) -> Figure:
        value = _ratio(total, n)
        return Figure(key, label, value, f"{value:.1f}", detail)

    figures = [
        Figure("total", "在办事项", n, str(n), f"另有 {len(cat.matters) - n} 个已取消、合并或下放的事项不计入统计"),
        mean("materials_listed", "平均每个事项列出的材料", listed, f"共 {listed} 份，含按情形提交和免提交的"),
        mean("materials_brought", "平均每个事项要带的材料", brought, f"必要和容缺材料，不含按情形提交的；共 {brought} 份"),
        percent("materials_exempt", "免提交材料的比例", _ratio(exempt, listed), f"{exempt} 份材料由部门通过数据共享获取"),
        share("visits_zero", "零跑动事项", zero, "{part} / {n} 个事项不用到现场"),
        share("visits_at_most_once", "最多跑一次", at_most_once, "{part} / {n} 个事项到现场不超过 1 次"),
        share("immediate", "即办件", immediate, "{part} / {n} 个事项当场办结"),
        percent("compression_total", "承诺时限总体压缩", 1 - _ratio(promised, legal) if legal else 0.0,
                f"法定时限合计 {legal:.0f} 个自然日，承诺时限合计 {promised:.0f} 个自然日"),
        percent("compression_mean", "平均每个事项压缩", _ratio(sum(ratios), len(ratios)), f"{len(ratios)} 个有法定时限的事项的平均值"),
        share("online_apply", "可以网上申请", online_apply, "{part} / {n} 个事项网上可以受理或办理"),
        share("tongban", "同区通办覆盖", tongban, "{part} / {n} 个事项全区通办，在区内任一街道大厅都能提交" + (f"；另有 {wider} 个全市或全国通办" if wider else "")),
    ]
    split = [_situation_row(m) for m in live if m.situations]
    figures.append(share("situations", "分情形的事项", len(split), "{part} / {n} 个事项按办理情形列出各自的材料" +
                         (f"，共 {sum(r.situations for r in split)} 个情形" if split else "")))
    return Statistics(today, n, figures, tables, hall_rows, gaps, _stale(cat, live, today),
                      {m.id: url_of("matter", m.id) for m in live}, split)


def _situation_row(m: Matter) -> SituationRow:
    needs = sorted(situations.counts(situations.situation_case(m, s), decided=True).items for s in m.situations)
    return SituationRow(m, url_of("matter", m.id), len(m.situations), sum(1 for _ in situations.combinations(m)), needs[0],
                        statistics.median(needs), needs[-1])


def _ratio(part: float, whole: float) -> float:
    return part / whole if whole else 0.0


def _hall_row(cat: Catalogue, hall: Hall) -> HallRow:
    matters = cat.matters_at(hall)
    own = sum(1 for m in matters if m.channels.window and hall.id in m.channels.window.halls)
    return HallRow(hall.name, url_of("hall", hall.id), own, len(matters) - own)


def _with_legal_limit(live: list[Matter]) -> list[tuple[Matter, Duration]]:
    """Matters whose legal time limit is stated: one the source does not give (未说明) compresses nothing."""
    return [(m, m.time_limits.legal) for m in live if isinstance(m.time_limits.legal, Duration)]


def _compression_buckets(live: list[Matter]) -> list[tuple[str, int, str | None]]:
    buckets = {"当场办结（压缩 100%）": 0, "压缩 75% 以上": 0, "压缩 50%–75%": 0, "压缩 25%–50%": 0, "压缩不到 25%": 0, "没有压缩": 0}
    labels = list(buckets)
    for m, limit in _with_legal_limit(live):
        legal = limit.natural_days()
        if legal <= 0:
            continue
        saved = 1 - m.time_limits.promised.natural_days() / legal
        index = 0 if saved >= 1 else 1 if saved > .75 else 2 if saved > .5 else 3 if saved > .25 else 4 if saved > 0 else 5
        buckets[labels[index]] += 1
    return [(label, value, None) for label, value in buckets.items()]


def _gaps(live: list[Matter]) -> list[Gap]:
    """Optional elements a complete guide should still have (the validator only enforces required ones)."""
    def lacking(pred: Callable[[Matter], bool]) -> list[Matter]:
        return [m for m in live if pred(m)]

    def forms(m: Matter) -> list[Material]:
        return [x for x in m.materials if not x.exempt]

    return [Gap(label, lacking(pred)) for label, pred in (
        ("常见问题", lambda m: not m.faq),
        ("俗称（群众的说法）", lambda m: not m.popular_names),
        ("空白表格下载", lambda m: bool(forms(m)) and not any(x.blank_form for x in forms(m))),
        ("填写样例", lambda m: bool(forms(m)) and not any(x.sample for x in forms(m))),
        ("办理结果样本", lambda m: not m.result.sample),
        ("更新记录", lambda m: not m.history),
    )]


def stale_before(today: dt.date) -> dt.date:
    """Twelve months before `today`; matters last verified before it are stale (29 February falls back to the 28th)."""
    try:
        return today.replace(year=today.year - 1)
    except ValueError:
        return today.replace(year=today.year - 1, day=28)


def _stale(cat: Catalogue, live: list[Matter], today: dt.date) -> list[Stale]:
    limit = stale_before(today)
    old = sorted((m for m in live if m.review.last_verified < limit), key=lambda m: m.review.last_verified)
    return [Stale(m, cat.departments[m.review.owner].short_name, m.review.last_verified,
                  (today.year - m.review.last_verified.year) * 12 + today.month - m.review.last_verified.month) for m in old]
