"""`qr`: A4 print sheets of QR codes for a hall or one window, and a proof sheet of every code."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..model import Audience, view
from ..qr.links import ErrorLevel
from ..qr.sheets import Sheet, hall_sheets, proof_sheets
from ..render.site import make_environment
from ..settings import load_settings
from . import catalogue_or_problems

HELP = "生成 A4 二维码打印页（SVG）：某个大厅或某个窗口的事项，或全部短码的校样页"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--root", type=Path, default=Path("."), help="内容仓库根目录")
    target = parser.add_mutually_exclusive_group(required=True)
    target.add_argument("--hall", help="大厅 id，例如 district-hall")
    target.add_argument("--proof", action="store_true", help="全部短码的校样页（打印前逐个扫码核对）")
    parser.add_argument("--audience", choices=[a.value for a in Audience], default=Audience.PUBLIC.value,
                        help="校样页给谁看：public（默认）不印内部 SOP 的标题和短码；staff 全部都印")
    parser.add_argument("--window", help="只印这个窗口办理的事项，例如 B05（需同时给 --hall）")
    parser.add_argument("--level", choices=[e.value for e in ErrorLevel], default=ErrorLevel.M.value,
                        help="纠错等级：m（默认，室内纸质）或 q（覆膜、户外、容易刮花的标牌）")
    parser.add_argument("--track", action="store_true", help="网址带投放位置后缀（/W12 或大厅短码），便于在短链接服务器统计扫码次数，不含个人信息")
    parser.add_argument("--out", type=Path, required=True, help="输出目录")


def run(args: argparse.Namespace) -> int:
    catalogue = catalogue_or_problems(args.root)
    if catalogue is None:
        return 1
    settings = load_settings(args.root)
    level = ErrorLevel(args.level)
    if args.proof:
        sheets, stem = proof_sheets(view(catalogue, Audience(args.audience)), settings, level), "proof"
    else:
        if args.hall not in catalogue.halls:
            print(f"找不到大厅“{args.hall}”；可用的大厅：{'、'.join(catalogue.halls)}", file=sys.stderr)
            return 2
        sheets = hall_sheets(catalogue, settings, catalogue.halls[args.hall], args.window, level, args.track)
        stem = args.hall + (f"-{args.window}" if args.window else "")
        if not sheets[0].cards:
            print(f"{args.hall} {args.window or ''} 没有可以打印的事项", file=sys.stderr)
            return 1
    write_sheets(sheets, args.out, stem)
    print(f"已生成 {len(sheets)} 页：{args.out}/{stem}-*.svg", file=sys.stderr)
    return 0


def write_sheets(sheets: list[Sheet], out: Path, stem: str) -> list[Path]:
    template = make_environment().get_template("qr/sheet.svg.j2")
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for sheet in sheets:
        path = out / f"{stem}-{sheet.page:02d}.svg"
        path.write_text(template.render(sheet=sheet), encoding="utf-8")
        paths.append(path)
    return paths
