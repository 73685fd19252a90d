"""`booklet`: the pocket booklet (攻略口袋书) of one hall as a PDF (see build_tools/booklet.py for the route)."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from pathlib import Path

from ..booklet import BookletError, Size, data_version, make_booklet, render_pdf
from ..settings import load_settings
from . import catalogue_or_problems

HELP = "生成某个大厅的办事攻略口袋书（PDF，A5 或 A6）：封面、目录、每个事项一到两页、二维码、俗称索引"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--root", type=Path, default=Path("."), help="内容仓库根目录（默认当前目录）")
    parser.add_argument("--hall", required=True, help="大厅 id，例如 district-hall")
    parser.add_argument("--size", choices=[s.value for s in Size], default=Size.A5.value, help="开本：A5（默认）或 A6")
    parser.add_argument("--out", type=Path, help="输出文件（默认 <大厅 id>-<开本>.pdf）")


def run(args: argparse.Namespace) -> int:
    catalogue = catalogue_or_problems(args.root)
    if catalogue is None:
        return 1
    start = time.perf_counter()
    size = Size(args.size)
    try:
        booklet = make_booklet(catalogue, load_settings(args.root), args.hall, size, data_version(args.root), dt.date.today())
    except BookletError as err:
        print(err, file=sys.stderr)
        return 2
    out = args.out or Path(f"{args.hall}-{size.value.lower()}.pdf")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(render_pdf(booklet))
    print(f"已生成 {out}：{booklet.hall.name}，{len(booklet.entries)} 个事项，{size.value}，用时 {time.perf_counter() - start:.1f} 秒。", file=sys.stderr)
    return 0
