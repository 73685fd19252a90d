"""行政资源统计 checked against counts made here, independently, from the YAML files themselves (PyYAML, no model)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections import Counter
from pathlib import Path

import pytest
import yaml

from build_tools.model import Audience, load_catalogue, view
from build_tools.model.statistics import compute
from build_tools.render.site import render_site
from build_tools.reports.statistics import statistics_csv, statistics_files
from build_tools.settings import load_settings
from build_tools.urls import STATISTICS_CSV as CSV_PATH

from .support import REPO, copy_project

TODAY = dt.date(2026, 11, 27)
#: Natural days per unit, as the guide's rules say (a working week is 5 days in 7).
DAYS = {"自然日": 1.0, "工作日": 7 / 5, "小时": 1 / 24, "分钟": 1 / 1440}


def read(folder: str, root: Path = REPO) -> list[dict]:
    return [yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted((root / folder).glob("*.yaml"))]


@pytest.fixture(scope="module")
def raw() -> list[dict]:
    return [m for m in read("matters") if m["status"]["state"] in ("在办", "暂停")]


@pytest.fixture(scope="module")
def stats():
    return compute(view(load_catalogue(REPO), Audience.PUBLIC), TODAY)


def rows(stats, key: str) -> dict[str, int]:
    return {r.label: r.value for r in stats.table(key).rows}


def figure(stats, key: str) -> float:
    return next(f.value for f in stats.figures if f.key == key)


def test_counts_by_department_type_and_audience(stats, raw):
    assert stats.total == len(raw) > 30
    short = {d["id"]: d["short_name"] for d in read("departments")}
    assert rows(stats, "department") == {short[k]: v for k, v in Counter(m["authority"]["body"] for m in raw).items()}
    assert rows(stats, "type") == dict(Counter(m["matter_type"] for m in raw))
    audience = Counter(a for m in raw for a in m["audience"])
    assert rows(stats, "audience") == {a: audience[a] for a in ("自然人", "法人", "其他组织")}


def test_counts_by_hall_include_district_wide_matters_at_street_halls(stats, raw):
    halls = read("halls")
    expected = {}
    for h in halls:
        own = [m for m in raw if h["id"] in ((m["channels"].get("window") or {}).get("halls") or [])]
        shared = [m for m in raw if h["type"] == "街道大厅" and m["scope"] == "全区" and m["channels"].get("window") and m not in own]
        expected[h["name"]] = (len(own), len(shared))
    assert {h.label: (h.own, h.shared) for h in stats.halls} == expected
    assert rows(stats, "hall") == {name: own + shared for name, (own, shared) in expected.items()}


def test_materials_visits_and_immediate_matters(stats, raw):
    n = len(raw)
    listed = sum(len(m.get("materials") or []) for m in raw)
    brought = sum(1 for m in raw for x in m.get("materials") or [] if not x.get("exempt") and x["necessity"] != "按情形")
    assert figure(stats, "materials_listed") == pytest.approx(listed / n)
    assert figure(stats, "materials_brought") == pytest.approx(brought / n)
    visits = Counter(min(m["visits"]["count"], 2) for m in raw)
    assert list(rows(stats, "visits").values()) == [visits[0], visits[1], visits[2]]
    assert figure(stats, "visits_zero") == pytest.approx(visits[0] / n)
    assert figure(stats, "visits_at_most_once") == pytest.approx((visits[0] + visits[1]) / n)
    immediate = sum(1 for m in raw if m["handling_type"] == "即办件")
    assert figure(stats, "immediate") == pytest.approx(immediate / n) and rows(stats, "handling")["即办件"] == immediate


def test_time_compression_online_depth_and_tongban(stats, raw):
    def days(d: dict) -> float:
        return d["value"] * DAYS[d["unit"]]

    timed = [m for m in raw if m["time_limits"]["legal"] != "未说明"]  # an unstated legal limit compresses nothing
    assert len(timed) < len(raw)
    legal = sum(days(m["time_limits"]["legal"]) for m in timed)
    promised = sum(days(m["time_limits"]["promised"]) for m in timed)
    assert figure(stats, "compression_total") == pytest.approx(1 - promised / legal)
    ratios = [1 - days(m["time_limits"]["promised"]) / days(m["time_limits"]["legal"]) for m in timed if days(m["time_limits"]["legal"])]
    assert figure(stats, "compression_mean") == pytest.approx(sum(ratios) / len(ratios))
    assert sum(rows(stats, "compression").values()) == len(ratios)
    assert rows(stats, "compression")["当场办结（压缩 100%）"] == sum(1 for r in ratios if r == 1)
    online = [m["channels"].get("online") for m in raw]
    depth = Counter(d for o in online if o for d in o["depth"])
    assert {k: v for k, v in rows(stats, "online").items() if k != "没有网上渠道"} == {d: depth[d] for d in rows(stats, "online") if d != "没有网上渠道"}
    assert rows(stats, "online")["没有网上渠道"] == online.count(None)
    assert figure(stats, "online_apply") == pytest.approx(sum(1 for o in online if o and {"受理", "办理"} & set(o["depth"])) / len(raw))
    assert figure(stats, "tongban") == pytest.approx(sum(1 for m in raw if m["scope"] == "全区") / len(raw))
    assert rows(stats, "state") == {s: sum(1 for m in read("matters") if m["status"]["state"] == s) for s in ("在办", "暂停", "取消", "合并", "下放")}


def test_content_gaps(stats, raw):
    gaps = {g.label: {m.id for m in g.matters} for g in stats.gaps}
    assert gaps["常见问题"] == {m["id"] for m in raw if not m.get("faq")}
    assert gaps["办理结果样本"] == {m["id"] for m in raw if not m["result"].get("sample")}
    forms = {m["id"]: [x for x in m.get("materials") or [] if not x.get("exempt")] for m in raw}
    assert gaps["空白表格下载"] == {k for k, xs in forms.items() if xs and not any(x.get("blank_form") for x in xs)}
    assert rows(stats, "gaps") == {label: len(ids) for label, ids in gaps.items()}


def test_stale_matters_are_those_not_verified_for_twelve_months(tmp_path):
    root = copy_project(tmp_path / "project")
    path = root / "matters" / "jiehun-dengji.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r"last_verified: \S+", "last_verified: 2025-11-26", text), encoding="utf-8")
    other = root / "matters" / "shengyu-jintie.yaml"
    other.write_text(re.sub(r"last_verified: \S+", "last_verified: 2025-11-27", other.read_text(encoding="utf-8")), encoding="utf-8")
    stats = compute(load_catalogue(root, TODAY), TODAY)
    assert [(s.matter.id, s.months) for s in stats.stale] == [("jiehun-dengji", 12)]  # exactly 12 months old is not yet stale


def test_page_draws_every_number_as_svg_and_table_and_the_csv_matches(stats):
    settings = load_settings(REPO)
    catalogue = view(load_catalogue(REPO), Audience.PUBLIC)
    page = render_site(catalogue, settings, Audience.PUBLIC, TODAY).sources["stats/index.md"].decode("utf-8")
    assert page.count("<svg") == len(stats.tables) and "<script" not in page and not re.search(r'(?:src|href)="(?:https?:)?//', page)
    for t in stats.tables:
        title = re.search(rf'<title id="bk-chart-{t.key}">(.*?)</title>', page).group(1)
        assert title.split("：", 1)[1].count("，") == len(t.rows) - 1
        for r in t.rows:
            assert f"{r.label} {r.value}" in title
            assert f'<td class="bk-num">{r.value}</td><td class="bk-num">{r.share * 100:.0f}%</td>' in page
    for f in stats.figures:
        assert f"<strong>{f.text}</strong>" in page
    data = statistics_files(catalogue, TODAY)[CSV_PATH]
    assert data.startswith("\ufeff".encode()) and data == statistics_csv(stats)
    table = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert table[0] == ["分组", "项目", "数值", "占比"]
    for t in stats.tables:
        assert [[r.label, str(r.value)] for r in t.rows] == [row[1:3] for row in table if row[0] == t.title]


def test_statistics_page_is_in_the_navigation():
    nav = yaml.safe_load(re.search(r"(?ms)^nav:.*", (REPO / "mkdocs.yml").read_text(encoding="utf-8")).group(0))["nav"]
    flat = [v for item in nav for v in (item.values() if isinstance(item, dict) else [item])]
    entries = [e for v in flat for e in (v if isinstance(v, list) else [{"": v}]) for e in e.values()]
    assert "stats/index.md" in entries


def test_matters_split_by_situation_with_their_fewest_median_and_most_materials(stats):
    by_id = {r.matter.id: r for r in stats.situations}
    change = by_id["qiye-biangeng-dengji"]
    # counted by hand from matters/qiye-biangeng-dengji.yaml: 只变更监事 brings m1, m2, m6; 自然人股东转让股权 m1, m2, m3, m7, m8
    assert (change.situations, change.combinations, change.fewest, change.most) == (9, 383, 3, 5)
    assert change.fewest <= change.median <= change.most
    assert figure(stats, "situations") == pytest.approx(len(by_id) / stats.total) and len(by_id) >= 2
    rows_ = list(csv.reader(io.StringIO(statistics_csv(stats).decode("utf-8-sig"))))
    assert ["分情形：回答组合数", "企业变更登记", "383", ""] in rows_
