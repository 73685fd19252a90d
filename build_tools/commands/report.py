"""`report ACTION`: reports computed from the content and from files the centre collects; one sub-action each."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from ..editors.ownership import months_before, stale_matters
from ..model import load_catalogue
from ..model.checklist import checklist
from ..problems import ContentError
from ..render.site import make_environment
from ..reports.inspection import read_results, report_csv, summarize
from ..validate import validate_tree

HELP = "生成报告：inspections（标准化执行检查报告：汇总填好的检查表 CSV）；stale（久未核对的事项，按负责部门分组）"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    inspections = actions.add_parser(
        "inspections", formatter_class=parser.formatter_class,
        help="标准化执行检查报告：按大厅和 SOP 条目汇总暗访、自查结果",
        description="把填好的检查表 CSV（模板在工作人员版“窗口服务检查表”页面下载）汇总成标准化执行检查报告："
                    "各大厅的得分率和满分率，各条目的未达标率（最差的在前）。Markdown 输出到标准输出；"
                    "有错误时逐行列出（文件:行: 说明），不出报告。")
    inspections.add_argument("files", nargs="+", type=Path, metavar="FILE.csv", help="填好的检查表，可以给多个")
    inspections.add_argument("--csv", type=Path, metavar="OUT", help="另把汇总表写成 CSV 文件（Excel 可直接打开）")
    inspections.add_argument("--root", type=Path, default=Path("."), help="内容仓库根目录（读取窗口服务规范和大厅）")
    inspections.set_defaults(action_run=_inspections)
    stale = actions.add_parser(
        "stale", formatter_class=parser.formatter_class, help="久未核对的事项：review.last_verified 早于若干个月前的在办事项，按负责部门分组",
        description="列出最近核对日期（review.last_verified）早于若干个月前的在办事项，按负责部门分组，输出 Markdown，"
                    "可以直接贴到工单或发给各部门。退出码总是 0（只是提醒，不拦截提交）。")
    stale.add_argument("--months", type=int, default=12, help="超过多少个月没有核对算久未核对（默认 12）")
    stale.add_argument("--on", type=dt.date.fromisoformat, metavar="YYYY-MM-DD", help="按哪一天计算（默认今天），例如预先查看年底时会过期的事项")
    stale.add_argument("--root", type=Path, default=Path("."), help="内容仓库根目录")
    stale.set_defaults(action_run=_stale)


def run(args: argparse.Namespace) -> int:
    return args.action_run(args)


def _stale(args: argparse.Namespace) -> int:
    today = args.on or dt.date.today()
    result = validate_tree(args.root, today)
    if not result.ok:
        print(f"注意：内容有 {len(result.problems)} 个校验问题，没有通过校验的事项不在报告里；请先运行 validate。", file=sys.stderr)
    groups = stale_matters(result.parsed, today, args.months)
    sys.stdout.write(make_environment().get_template("stale_report.md.j2").render(
        groups=groups, months=args.months, cutoff=months_before(today, args.months)))
    return 0


def _inspections(args: argparse.Namespace) -> int:
    try:
        catalogue = load_catalogue(args.root)
    except ContentError as err:
        for p in err.problems:
            print(p, file=sys.stderr)
        print("内容有错误，先运行 validate 修改后再出报告。", file=sys.stderr)
        return 1
    records, errors = read_results(args.files, catalogue)
    for e in errors:
        print(e, file=sys.stderr)
    if errors:
        print(f"发现 {len(errors)} 个问题，没有出报告；请改正后重新运行。", file=sys.stderr)
        return 1
    if not records:
        print("这些文件里还没有填得分（score）的行，没有可汇总的结果。", file=sys.stderr)
        return 1
    report = summarize([str(f) for f in args.files], records, checklist(catalogue))
    sys.stdout.write(make_environment().get_template("inspection_report.md.j2").render(report=report))
    if args.csv:
        try:
            args.csv.write_bytes(report_csv(report))
        except OSError as err:
            print(f"{args.csv}: 无法写入：{err.strerror or err}", file=sys.stderr)
            return 1
        print(f"汇总表已写入 {args.csv}", file=sys.stderr)
    return 0
