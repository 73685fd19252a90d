"""Build benchmark (issue #7): the project's full release build against a plain-Material peer, same matters,
same machine, same run.

    .venv/bin/python bench/build.py --matters 5000
    .venv/bin/python bench/build.py --matters 1000 --matters 5000     # output per page at both sizes

For each N:
  1. `bench/synth.py` (re)writes a synthetic content tree of N matters in bench/out/ (not timed).
  2. ours: `python -m build_tools build --root DIR` from a clean state (validate, render, QR codes and short
     links, statistics, exports, citizen search index, MkDocs, atomic swap), timed as one command; its per-stage summary
     (stderr) is parsed for the breakdown. The hall booklet PDFs are left out (`--no-booklets`) unless --booklets
     is given: WeasyPrint typesets every matter of a hall, minutes per hall at 1,000 matters.
  3. peer: one hand-written-style Markdown page per matter with the same text (name, summary, conditions,
     materials, steps, fees, time limits), Material 9.8 with the built-in `search` plugin (`lang: zh`, jieba
     installed, so it segments), matters left out of the navigation; `mkdocs build` timed. Writing its Markdown
     is preparation, not timed.
Prints wall and CPU seconds (and the kernel's share: see bench/files.py), the ratio ours / peer (goal ≤ 0.33), peak memory, output bytes per page.
Peak memory is given two ways: the largest single process (wait4 rusage) and the largest sum over the live
process tree (sampled every 0.1 s, which matters once stages run side by side).
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402

common.ensure_venv()

import yaml  # noqa: E402

GOAL_RATIO = 0.33

PEER_MKDOCS = """\
site_name: 行政服务百科（Material 对照组）
site_url: http://127.0.0.1:8000/
theme:
  name: material
  language: zh
plugins:
  - search:
      lang: zh
nav:
  - 首页: index.md
not_in_nav: |
  /matters/
"""


# ------------------------------------------------------------------------------------------ the peer

def _duration(d: dict | str) -> str:
    if isinstance(d, str):  # 未说明: the source gives no limit
        return d
    if not d["value"]:
        return "当场办结"
    counter = "个" if d["unit"] in ("工作日", "自然日") else ""
    return f"{d['value']} {counter}{d['unit']}" + (f"（{d['note']}）" if d.get("note") else "")


def peer_page(m: dict) -> str:
    """What an editor would write by hand for one matter: the same text as our page's main sections."""
    out = [f"# {m['name']}", "", m["summary"], "", "## 受理条件", ""]
    out += [f"- {c['text']}" for c in m["conditions"]]
    out += ["", "## 申请材料", ""]
    if not m.get("materials"):
        out.append("无需提交材料。")
    for i, mat in enumerate(m.get("materials") or [], start=1):
        parts = [f"{i}. **{mat['name']}**（{mat['necessity']}）：原件 {mat['originals']} 份，复印件 {mat['copies']} 份；"
                 f"{'、'.join(mat['form'])}；{mat['source']}。"]
        if mat.get("condition"):
            parts.append(f"适用情形：{mat['condition']}。")
        if mat.get("exempt"):
            parts.append("免提交，通过数据共享获取。")
        if mat.get("notes"):
            parts.append(mat["notes"])
        out.append("".join(parts))
    out += ["", "## 办理流程", ""]
    for i, step in enumerate(m["steps"], start=1):
        out.append(f"{i}. **{step['title']}**：{step['text']}")
        for sub in step.get("substeps") or []:
            out.append(f"    - {sub['title']}" + (f"：{sub['text']}" if sub.get("text") else ""))
    out += ["", "## 收费标准", ""]
    fees = m["fees"]
    if not fees["charged"]:
        out.append("不收费。")
    for item in fees.get("items") or []:
        out.append(f"- {item['name']}：{item['standard']}（依据：{item['basis']}）")
    tl = m["time_limits"]
    out += ["", "## 办理时限", "", f"- 法定办结时限：{_duration(tl['legal'])}", f"- 承诺办结时限：{_duration(tl['promised'])}", ""]
    return "\n".join(out)


def write_peer(tree: Path, dest: Path) -> int:
    """The peer's docs folder from the synthetic tree's matters (not timed). Returns the number of pages."""
    common.clear(dest)
    docs = dest / "docs" / "matters"
    docs.mkdir(parents=True)
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    links = []
    n = 0
    for path in sorted((tree / "matters").glob("*.yaml")):
        m = yaml.load(path.read_text(encoding="utf-8"), Loader=loader)
        (docs / f"{m['id']}.md").write_text(peer_page(m), encoding="utf-8")
        links.append(f"- [{m['name']}](matters/{m['id']}.md)")
        n += 1
    (dest / "docs" / "index.md").write_text("# 行政服务百科\n\n" + "\n".join(links) + "\n", encoding="utf-8")
    (dest / "mkdocs.yml").write_text(PEER_MKDOCS, encoding="utf-8")
    return n


# ------------------------------------------------------------------------------------------ our build

_STAGE = re.compile(r"([^\s，,（(]+)\s+([0-9]+(?:\.[0-9]+)?)\s*秒")


def parse_stages(stderr: str) -> dict[str, float]:
    """Per-stage seconds from the build's summary line: `用时 T 秒（校验 a 秒，生成页面 b 秒，…）`."""
    for line in reversed(stderr.splitlines()):
        if "用时" in line:
            inside = line.split("（", 1)[1] if "（" in line else line
            return {name: float(sec) for name, sec in _STAGE.findall(inside) if name != "用时"}
    return {}


def _site_figures(site: Path) -> dict:
    pages, mean = common.mean_page_bytes(site)
    size = common.site_size(site)
    return {"site_bytes": size.bytes, "files": size.files, "html_files": size.html_files, "html_bytes": size.html_bytes,
            "matter_pages": pages, "matter_page_mean": mean, "by_top": size.by_top}


def _run_figures(run: common.Run) -> dict:
    return {"wall": run.wall, "cpu": run.cpu, "sys": run.sys, "maxrss_kb": run.maxrss_kb, "tree_peak_kb": run.tree_peak_kb}


def build_command(tree: Path, site: Path, booklets: bool) -> list[str]:
    cmd = [sys.executable, "-m", "build_tools", "build", "--root", str(tree), "--out", str(site)]
    if not booklets and "--no-booklets" in build_help():
        cmd.append("--no-booklets")
    return cmd


def build_help() -> str:
    return subprocess.run([sys.executable, "-m", "build_tools", "build", "--help"], cwd=common.REPO, capture_output=True, text=True).stdout


def run_ours(tree: Path, booklets: bool = False) -> dict:
    site = tree / "site"
    common.clear(site, tree / "generated" / "public")   # a cold release build, as from a fresh clone
    cmd = build_command(tree, site, booklets)
    print(f"  ours: {' '.join(['python', *cmd[1:]])} ...", file=sys.stderr)
    run = common.measure(cmd, cwd=tree).check()
    summary = run.stderr.strip().splitlines()[-1] if run.stderr.strip() else ""
    return {**_run_figures(run), "stages": parse_stages(run.stderr), "summary": summary, **_site_figures(site)}


def run_peer(peer: Path) -> dict:
    common.clear(peer / "site")
    print("  peer: mkdocs build (Material, search lang zh + jieba) ...", file=sys.stderr)
    run = common.measure([sys.executable, "-m", "mkdocs", "build", "--quiet", "-f", str(peer / "mkdocs.yml"), "-d", str(peer / "site")],
                         cwd=peer).check()
    return {**_run_figures(run), **_site_figures(peer / "site")}


def bench_one(n: int, seed: int, skip_peer: bool, skip_ours: bool, repeat: int = 1, booklets: bool = False) -> dict:
    print(f"\n== {n} matters (seed {seed}); load average before: {common.load_average()} ==", file=sys.stderr)
    tree = common.synth_tree(n, seed)
    result: dict = {"matters": n, "seed": seed, "tree": str(tree), "load_before": common.load_average()}
    peer = tree.parent / f"peer-{n}-s{seed}"
    if not skip_peer:
        start = time.perf_counter()
        count = write_peer(tree, peer)
        print(f"  peer: {count} Markdown pages written in {time.perf_counter() - start:.1f} s (preparation, not timed)", file=sys.stderr)
    runs: dict[str, list[dict]] = {"ours": [], "peer": []}
    for _ in range(repeat):  # alternate, so a burst of load elsewhere on the machine hits both sides alike
        if not skip_ours:
            runs["ours"].append(run_ours(tree, booklets))
        if not skip_peer:
            runs["peer"].append(run_peer(peer))
    for side, rs in runs.items():
        if rs:
            result[side] = min(rs, key=lambda r: r["wall"])   # best of `repeat`: the least disturbed run
            result[side]["walls"] = [r["wall"] for r in rs]
    result["load_after"] = common.load_average()
    return result


# ------------------------------------------------------------------------------------------ report

def report(r: dict) -> None:
    n = r["matters"]
    print(f"\n=== {n} matters (seed {r['seed']}); load average (1/5/15 min) before {r['load_before']}, after {r['load_after']} ===")
    ours, peer = r.get("ours"), r.get("peer")
    rows = [("", "ours", "plain Material")]

    def cell(d, key, fmt):
        return fmt(d[key]) if d else "-"

    rows.append(("wall time", cell(ours, "wall", lambda v: f"{v:.1f} s"), cell(peer, "wall", lambda v: f"{v:.1f} s")))
    rows.append(("CPU time (user+sys)", cell(ours, "cpu", lambda v: f"{v:.1f} s"), cell(peer, "cpu", lambda v: f"{v:.1f} s")))
    rows.append(("  of which kernel (sys)", cell(ours, "sys", lambda v: f"{v:.1f} s"), cell(peer, "sys", lambda v: f"{v:.1f} s")))
    rows.append(("peak RSS, largest process", cell(ours, "maxrss_kb", lambda v: common.human(v * 1024)), cell(peer, "maxrss_kb", lambda v: common.human(v * 1024))))
    rows.append(("peak RSS, process tree (sampled)", cell(ours, "tree_peak_kb", lambda v: common.human(v * 1024)), cell(peer, "tree_peak_kb", lambda v: common.human(v * 1024))))
    rows.append(("site size", cell(ours, "site_bytes", common.human), cell(peer, "site_bytes", common.human)))
    rows.append(("files / HTML files", f"{ours['files']} / {ours['html_files']}" if ours else "-", f"{peer['files']} / {peer['html_files']}" if peer else "-"))
    rows.append(("site bytes per matter", cell(ours, "site_bytes", lambda v: common.human(v / n)), cell(peer, "site_bytes", lambda v: common.human(v / n))))
    rows.append(("same, without theme assets/", cell(ours, "site_bytes", lambda v: common.human((v - ours["by_top"].get("assets", 0)) / n)),
                 cell(peer, "site_bytes", lambda v: common.human((v - peer["by_top"].get("assets", 0)) / n))))
    rows.append(("HTML bytes per HTML page", common.human(ours["html_bytes"] / max(ours["html_files"], 1)) if ours else "-",
                 common.human(peer["html_bytes"] / max(peer["html_files"], 1)) if peer else "-"))
    rows.append(("mean matter page (index.html)", cell(ours, "matter_page_mean", common.human), cell(peer, "matter_page_mean", common.human)))
    width = max(common.display_width(a) for a, _, _ in rows)
    for a, b, c in rows:
        print(f"  {common.pad(a, width)}  {b:>14}  {c:>16}")
    for side, d in (("ours", ours), ("peer", peer)):
        if d and len(d["walls"]) > 1:
            print(f"  {side} wall times of {len(d['walls'])} runs: " + ", ".join(f"{w:.1f}" for w in d["walls"]) + " s (fastest shown)")
    if ours and peer:
        ratio = ours["wall"] / peer["wall"]
        print(f"  ratio ours / peer, wall: {ratio:.2f} (goal ≤ {GOAL_RATIO}: {'met' if ratio <= GOAL_RATIO else 'NOT met'});"
              f" CPU: {ours['cpu'] / peer['cpu']:.2f}")
    if ours:
        stages = ours["stages"]
        total = sum(stages.values()) or 1.0
        print("  our build per stage (publish.Timings):")
        for name, sec in stages.items():
            print(f"    {common.pad(name, 14)} {sec:7.2f} s  {100 * sec / total:5.1f} %")
        print(f"    (summary line: {ours['summary']})")
        top = sorted(ours["by_top"].items(), key=lambda kv: -kv[1])[:8]
        print("  our output by top folder: " + ", ".join(f"{k} {common.human(v)}" for k, v in top))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--matters", type=int, action="append", help="number of matters (repeatable; default 5000)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--skip-peer", action="store_true", help="only our build")
    parser.add_argument("--skip-ours", action="store_true", help="only the plain-Material peer")
    parser.add_argument("--booklets", action="store_true",
                        help="also make the hall booklet PDFs (WeasyPrint; minutes per hall at 1,000+ matters; off by default)")
    parser.add_argument("--repeat", type=int, default=1, help="runs per side, alternating; the fastest is reported (default 1)")
    parser.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    args = parser.parse_args(argv)
    sizes = args.matters or [5000]
    try:
        results = [bench_one(n, args.seed, args.skip_peer, args.skip_ours, args.repeat, args.booklets) for n in sizes]
    finally:
        common.empty_trash()
    for r in results:
        report(r)
    if len(results) > 1:
        print("\n=== output per page as N grows (flat = constant) ===")
        for side in ("ours", "peer"):
            if all(side in r for r in results):
                cells = ", ".join(f"N={r['matters']}: {common.human(r[side]['site_bytes'] / r['matters'])}/matter "
                                  f"({common.human((r[side]['site_bytes'] - r[side]['by_top'].get('assets', 0)) / r['matters'])} without assets/), "
                                  f"matter page {common.human(r[side]['matter_page_mean'])}" for r in results)
                print(f"  {side}: {cells}")
    if args.json:
        args.json.write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
