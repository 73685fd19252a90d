"""Window-service inspections: the staff checklist page and CSV template, and `report inspections` checked against
numbers this test computes itself from the SOP YAML and the rows it writes."""

from __future__ import annotations

import csv
import datetime as dt
import random
import re
import subprocess
from collections import defaultdict
from pathlib import Path

import pytest
import yaml

from build_tools.model import Audience, load_catalogue, view
from build_tools.publish.outputs import BuildInput, all_outputs
from build_tools.render.site import render_site
from build_tools.reports.inspection import read_results
from build_tools.settings import load_settings

from .conftest import PYTHON, pos
from .support import REPO, build_copy

COLUMNS = ["hall", "window", "date", "inspector", "sop_id", "item_id", "score", "note"]


def window_items() -> dict[tuple[str, str], int]:
    """(sop id, item id) -> full marks, read straight from sop/window-*.yaml: the largest “得 N 分” of the rule."""
    items = {}
    for path in sorted((REPO / "sop").glob("*.yaml")):
        sop = yaml.safe_load(path.read_text(encoding="utf-8"))
        if sop["kind"] == "窗口服务规范":
            for item in sop["items"]:
                items[(sop["id"], item["id"])] = max(int(n) for n in re.findall(r"得\s*(\d+)\s*分", item["scoring"]))
    return items


def hall_names() -> dict[str, str]:
    return {p.stem: yaml.safe_load(p.read_text(encoding="utf-8"))["name"] for p in sorted((REPO / "halls").glob("*.yaml"))}


def write_csv(path: Path, rows: list[list[str]], encoding: str = "utf-8-sig") -> Path:
    with path.open("w", encoding=encoding, newline="") as f:
        writer = csv.writer(f)
        writer.writerow(COLUMNS)
        writer.writerows(rows)
    return path


def report(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([PYTHON, "-m", "build_tools", "report", "inspections", *args, "--root", str(REPO)],
                          cwd=REPO, capture_output=True, text=True, encoding="utf-8", timeout=120)


@pytest.fixture(scope="module")
def staff_site(tmp_path_factory) -> Path:
    return build_copy(tmp_path_factory.mktemp("staff"), Audience.STAFF)


def test_checklist_csv_has_one_blank_row_per_window_sop_item(staff_site):
    with (staff_site / "inspection" / "checklist.csv").open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0] == COLUMNS
    body = rows[1:]
    assert [(r[4], r[5]) for r in body] == list(window_items())
    assert all(r[0] == r[1] == r[2] == r[3] == r[6] == r[7] == "" for r in body)


def test_checklist_page_lists_every_item_with_sop_id_scoring_and_fields(staff_site):
    html = (staff_site / "inspection" / "index.html").read_text(encoding="utf-8")
    for sop_id, item_id in window_items():
        assert f'id="{sop_id}-{item_id}"' in html
        assert f"<strong>{sop_id}</strong>" in html
    for path in (REPO / "sop").glob("window-*.yaml"):
        for item in yaml.safe_load(path.read_text(encoding="utf-8"))["items"]:
            assert item["scoring"] in html
    for field in ("大厅", "窗口", "日期", "检查人", "得分"):
        assert f">{field}</th>" in html
    assert f"／ {sum(window_items().values())} 分" in html
    assert 'href="../inspection/checklist.csv"' in html
    assert 'href="../inspection/"' in (staff_site / "sop" / "index.html").read_text(encoding="utf-8")


def test_public_build_has_neither_checklist_nor_notice():
    catalogue = load_catalogue(REPO)
    settings = load_settings(REPO)
    public = render_site(view(catalogue, Audience.PUBLIC), settings, Audience.PUBLIC)
    outputs = {audience: all_outputs(BuildInput(view(catalogue, audience), settings, audience, REPO, preview=True)) for audience in Audience}
    assert not [p for p in [*public.sources, *outputs[Audience.PUBLIC]] if p.startswith("inspection/")]
    texts = [data.decode("utf-8") for data in public.sources.values()] + [p.body for p in public.pages]
    assert public.pages and not [t for t in texts if "bk-notice" in t or "notice.js" in t]
    staff = render_site(catalogue, settings, Audience.STAFF)
    assert "inspection/index.md" in staff.sources and "inspection/checklist.csv" in outputs[Audience.STAFF]
    assert "bk-notice" in staff.body("matters/canjiren-zheng/index.html")


def test_report_numbers_match_an_independent_count(tmp_path):
    items = window_items()
    halls = hall_names()
    rng = random.Random(6)
    expected_hall: dict[str, list[tuple[float, int]]] = defaultdict(list)
    expected_item: dict[tuple[str, str], list[bool]] = defaultdict(list)
    visits: dict[str, set] = defaultdict(set)
    files = []
    for n, (hall_id, window) in enumerate([("district-hall", "A12"), ("district-hall", "B05"), ("yuetan-street-hall", "2"), ("hrss-hall", "H03")]):
        rows = []
        for day in (3, 17):
            date = f"2025-10-{day:02d}"
            for (sop_id, item_id), full in items.items():
                if rng.random() < 0.15:
                    rows.append(["", "", "", "", sop_id, item_id, "", ""])  # not checked this time
                    continue
                score = rng.choice([full, full, full, full - 1, 0])
                hall = halls[hall_id] if n % 2 else hall_id  # name or id: both accepted
                rows.append([hall, window, date, f"检查员{n}", sop_id, item_id, str(score), ""])
                expected_hall[hall_id].append((score, full))
                expected_item[(sop_id, item_id)].append(score == full)
                visits[hall_id].add((window, date, n))
        files.append(str(write_csv(tmp_path / f"visit{n}.csv", rows)))
    out = tmp_path / "summary.csv"
    proc = report(*files, "--csv", str(out))
    assert proc.returncode == 0, proc.stderr
    with out.open(encoding="utf-8-sig", newline="") as f:
        summary = list(csv.DictReader(f))

    got_halls = {r["hall"]: r for r in summary if r["level"] == "hall"}
    assert set(got_halls) == {halls[h] for h in expected_hall}
    for hall_id, scores in expected_hall.items():
        row = got_halls[halls[hall_id]]
        assert int(row["visits"]) == len(visits[hall_id])
        assert int(row["checks"]) == len(scores)
        assert float(row["score_rate"]) == pytest.approx(100 * sum(s for s, _ in scores) / sum(f for _, f in scores), abs=0.05)
        assert float(row["full_marks_pct"]) == pytest.approx(100 * sum(s == f for s, f in scores) / len(scores), abs=0.05)
        assert f"| {halls[hall_id]} | {len(visits[hall_id])} | {len(scores)} |" in proc.stdout
    hall_rates = [float(r["score_rate"]) for r in summary if r["level"] == "hall"]
    assert hall_rates == sorted(hall_rates)

    got_items = [r for r in summary if r["level"] == "item"]
    assert {(r["sop_id"], r["item_id"]) for r in got_items} == set(expected_item)
    for r in got_items:
        full = expected_item[(r["sop_id"], r["item_id"])]
        assert int(r["checks"]) == len(full)
        assert int(r["failures"]) == full.count(False)
        assert float(r["failure_pct"]) == pytest.approx(100 * full.count(False) / len(full), abs=0.05)
    failure_rates = [float(r["failure_pct"]) for r in got_items]
    assert failure_rates == sorted(failure_rates, reverse=True), "worst items first"
    worst = got_items[0]
    first_item_line = next(line for line in proc.stdout.splitlines() if line.startswith("| window-"))
    assert first_item_line.startswith(f"| {worst['sop_id']} | {worst['item_id']} |")
    assert "# 标准化执行检查报告" in proc.stdout


def test_bad_rows_are_reported_by_file_and_row_without_a_traceback(tmp_path):
    good = ["district-hall", "A12", "2025-10-03", "张三"]
    bad = write_csv(tmp_path / "bad.csv", [
        good + ["window-five-senses", "h1", "2", ""],         # row 2: fine
        good + ["window-five-senses", "h99", "2", ""],        # row 3: unknown item
        good + ["no-such-sop", "h1", "", ""],                 # row 4: unknown SOP (even without a score)
        good + ["window-five-senses", "h2", "3", ""],         # row 5: above full marks (2)
        good + ["window-five-senses", "h3", "好", ""],        # row 6: not a number
        good[:2] + ["2025-02-30", "张三", "window-five-senses", "h4", "2", ""],   # row 7: no such day
        good[:2] + ["2999-01-01", "张三", "window-five-senses", "v1", "2", ""],   # row 8: in the future
        good[:2] + ["上周三", "张三", "window-five-senses", "v2", "2", ""],       # row 9: not a date
        ["某某大厅"] + good[1:] + ["window-five-senses", "v3", "2", ""],          # row 10: unknown hall
        good + ["window-five-senses", "h1", "1", ""],         # row 11: same visit and item as row 2
    ])
    proc = report(str(bad), str(tmp_path / "missing.csv"))
    assert proc.returncode == 1
    assert proc.stdout == ""
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.splitlines()
    for row, words in {3: "h99", 4: "no-such-sop", 5: "0 到 2 分", 6: "不是数字", 7: "2025-02-30", 8: "之后", 9: "上周三", 10: "某某大厅", 11: "与第 2 行重复"}.items():
        assert any(line.startswith(f"{bad}:{row}: ") and words in line for line in lines), (row, proc.stderr)
    assert not any(line.startswith(f"{bad}:2: ") for line in lines)
    assert f"{tmp_path / 'missing.csv'}: 文件不存在" in lines


def test_excel_gbk_files_blank_scores_and_duplicates_across_files(tmp_path):
    catalogue = load_catalogue(REPO)
    gbk = write_csv(tmp_path / "gbk.csv", [["西城区政务服务中心", "A12", "2025/10/3", "张三", "window-five-senses", "h1", "2分", ""],
                                           ["", "", "", "", "window-five-senses", "h2", "", ""]], encoding="gb18030")
    again = write_csv(tmp_path / "again.csv", [["district-hall", "A12", "2025-10-03", "张三", "window-five-senses", "h1", "1", ""]])
    records, errors = read_results([gbk], catalogue, today=dt.date(2026, 1, 1))
    assert errors == [] and len(records) == 1 and records[0].score == 2 and records[0].date == dt.date(2025, 10, 3)
    _records, errors = read_results([gbk, again], catalogue, today=dt.date(2026, 1, 1))
    assert [str(e) for e in errors] == [f"{again}:2: 与{gbk} 第 2 行重复：同一次检查（大厅、窗口、日期、检查人都相同）的同一条目只能有一个得分"]


def test_window_sop_item_must_state_full_marks(content_tree):
    text = content_tree.write("sop/window-test.yaml", """\
id: window-test
kind: 窗口服务规范
title: 测试规范
audience: 公开
version: 1
effective_from: 2026-01-01
items:
  - id: a1
    category: 秩序
    text: 按时开窗。
    scoring: 做到即可
owner: scjg
""")
    content_tree.register("sop", "window-test")
    problems = content_tree.problems("sop/window-test.yaml")
    line, col = pos(text, "做到即可")
    assert len(problems) == 1 and problems[0].startswith(f"sop/window-test.yaml:{line}:{col}: ") and "满分" in problems[0]
