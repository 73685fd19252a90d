"""`import`: a department's spreadsheet -> matter YAML files (入口), checked like any file in a pull request.

(The module is not called `import.py` because `import` is a Python keyword.)
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..editors.importer import plan_import, write_plan
from ..export.template import EXAMPLE_ID, FOLDER, template_files
from ..export.workbook import UnreadableFile
from ..problems import Severity

HELP = "把部门填写的表格（.xlsx 或 .csv，模板见 templates/import/）转成事项 YAML 文件；逐行报告问题，全部通过才写入，不加 --update 不覆盖已有文件"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    what = parser.add_mutually_exclusive_group(required=True)
    what.add_argument("file", nargs="?", type=Path, help="要导入的 .xlsx 文件，或“事项”表的 .csv 文件（其他表的 CSV 放在它旁边：名称.materials.csv 等）")
    what.add_argument("--template", action="store_true", help=f"重新生成导入模板和填写说明（{FOLDER}/）")
    parser.add_argument("--update", action="store_true", help="允许用表格内容替换已有的事项文件")
    parser.add_argument("--dry-run", action="store_true", help="只检查，不写任何文件")
    parser.add_argument("--root", type=Path, default=Path("."), help="内容仓库根目录（默认当前目录）")


def run(args: argparse.Namespace) -> int:
    if args.template:
        for rel, data in template_files().items():
            (args.root / rel).parent.mkdir(parents=True, exist_ok=True)
            (args.root / rel).write_bytes(data)
            print(f"已生成 {rel}", file=sys.stderr)
        return 0
    if not args.file.is_file():
        print(f"{args.file}:1:1: 找不到这个文件")
        return 1
    try:
        plan = plan_import(args.file, args.root, update=args.update)
    except UnreadableFile as err:
        print(err.problem)
        return 1
    for problem in plan.problems:
        print(problem)
    if plan.skipped_examples:
        print(f"跳过了模板里的示例行（事项 id 为 {EXAMPLE_ID}）。", file=sys.stderr)
    errors = [p for p in plan.problems if p.severity is Severity.ERROR]
    if errors:
        print(f"发现 {len(errors)} 个问题，没有写入任何文件；请按上面的行号改好表格后重新导入。", file=sys.stderr)
        return 1
    if not plan.files:
        print("表格里没有要导入的事项。", file=sys.stderr)
        return 1
    if args.dry_run:
        print(f"检查通过：可以导入 {len(plan.files)} 个事项（--dry-run，没有写入）。", file=sys.stderr)
        return 0
    write_plan(args.root, plan)
    for planned in plan.files:
        print(f"{'替换' if planned.replaces else '新建'} {planned.path}")
    new = sum(not p.replaces for p in plan.files)
    print(f"已导入 {len(plan.files)} 个事项。" + (f"{new} 个新事项还没有短码：请运行 python -m build_tools codes assign。" if new else ""), file=sys.stderr)
    return 0
