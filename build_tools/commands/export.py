"""`export`: write the open-data files (出口) without building the site, e.g. to hand a department the current
catalogue as a spreadsheet it can edit and import again."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..export import export_files
from ..model import Audience, load_catalogue, view
from ..problems import ContentError
from ..settings import load_settings

HELP = "只导出数据文件（api/matters.json、catalogue.xlsx、catalogue.csv、cpsv-ap.jsonld 等），不构建网站"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--root", type=Path, default=Path("."), help="内容仓库根目录（默认当前目录）")
    parser.add_argument("--audience", choices=[a.value for a in Audience], default=Audience.PUBLIC.value,
                        help="public：公开版（默认，不含内部字段）；staff：工作人员版（含内部字段）")
    parser.add_argument("--out", type=Path, default=Path("export"), help="输出目录（默认 export/；文件写在其中的 api/ 下）")


def run(args: argparse.Namespace) -> int:
    try:
        catalogue = load_catalogue(args.root)
    except ContentError as err:
        for problem in err.problems:
            print(problem)
        print(f"发现 {len(err.problems)} 个问题，没有导出。", file=sys.stderr)
        return 1
    files = export_files(view(catalogue, Audience(args.audience)), load_settings(args.root))
    for rel, data in files.items():
        target = args.out / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    print(f"已导出 {len(files)} 个文件到 {args.out / 'api'}。", file=sys.stderr)
    return 0
