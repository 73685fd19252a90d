"""`build`: the full release build for one audience, swapped into place only when it succeeded."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..model import Audience
from ..problems import ContentError
from ..publish import MkDocsError, OutputRefused, Timings, build

HELP = "构建网站（公开版或工作人员版）；构建失败时保留原来的网站不动"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--root", type=Path, default=Path("."), help="内容仓库根目录（默认当前目录）")
    parser.add_argument("--audience", choices=[a.value for a in Audience], default=Audience.PUBLIC.value,
                        help="public：公开版（默认，输出到 site/）；staff：工作人员版（输出到 site-staff/），含内部字段和内部 SOP")
    parser.add_argument("--out", type=Path, help="输出目录（默认 site/ 或 site-staff/）")
    parser.add_argument("--no-booklets", action="store_true", help="不生成各大厅的口袋书 PDF（快得多；大厅页上的下载链接会失效）")
    parser.add_argument("--quiet", action="store_true", help="不逐步显示进度，只在最后报告各阶段用时")
    parser.add_argument("--jobs", "-j", type=int, metavar="N", help="并行的进程数（默认每个 CPU 一个；1 表示全部在本进程内依次完成）")


def run(args: argparse.Namespace) -> int:
    audience = Audience(args.audience)
    out = args.out or args.root / ("site" if audience is Audience.PUBLIC else "site-staff")
    try:
        progress = Timings(report=lambda line: print(line, file=sys.stderr, flush=True)) if not args.quiet else None
        timings = build(args.root.resolve(), audience, out, progress, booklets=not args.no_booklets, jobs=args.jobs)
    except ContentError as err:
        for problem in err.problems:
            print(problem)
        print(f"发现 {len(err.problems)} 个问题，没有构建；{out} 保持原样。", file=sys.stderr)
        return 1
    except OutputRefused as err:
        print(err, file=sys.stderr)
        return 1
    except MkDocsError as err:
        print(f"网站生成失败，{out} 保持原样：\n{err}", file=sys.stderr)
        return 1
    print(f"已构建{'公开版' if audience is Audience.PUBLIC else '工作人员版'}：{out}。{timings.summary()}", file=sys.stderr)
    return 0
