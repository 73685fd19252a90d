"""`new matter|sop|guide`: write a scaffold that validates at once, with a commented prompt above each field
and `（请填写）` where the editor must write (the lint fails until they have), and issue its short code."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..editors.scaffold import ScaffoldError, new_file

HELP = "新建事项、SOP 或场景指南的草稿文件（带填写提示，立即分配短码）；占位文字改完前 lint 会报错"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("kind", choices=["matter", "sop", "guide"], help="matter：事项；sop：业务手册或窗口服务规范；guide：场景指南（一件事）")
    parser.add_argument("--department", required=True, metavar="D", help="负责部门 id（departments/ 下的文件名），例如 scjg")
    parser.add_argument("--name", required=True, metavar="N", help="名称：事项名称、SOP 标题或场景名称")
    parser.add_argument("--id", help="文件名和永久 id：小写拼音或英文加连字符，例如 qiye-sheli-dengji；名称是中文时必须给")
    parser.add_argument("--catalog", metavar="CODE", help="事项：基本目录中的 12 位基本编码，据此取下一个没用过的实施编码；不给则先用占位值")
    parser.add_argument("--matter", metavar="ID", help="SOP：对应的事项 id；给了就生成业务手册，不给则生成窗口服务规范")
    parser.add_argument("--matters", metavar="ID,ID", help="场景指南：按顺序列出要办的事项 id（至少两个），用逗号分隔")
    parser.add_argument("--situations", action="store_true", help="事项：按办理情形分别列出材料等内容，草稿里带一个问题、两个情形和一个例子")
    parser.add_argument("--root", type=Path, default=Path("."), help="内容仓库根目录（默认当前目录）")


def run(args: argparse.Namespace) -> int:
    try:
        made = new_file(args.root, args.kind, args.department, args.name, id=args.id, catalog=args.catalog, matter=args.matter,
                        matters=[m.strip() for m in args.matters.split(",") if m.strip()] if args.matters else None,
                        situations=args.situations)
    except ScaffoldError as err:
        print(err, file=sys.stderr)
        return 1
    print(made.path)
    print(f"已新建 {made.path}，短码 {made.code}（已写入 registry/codes.yaml）。请按文件里的注释把“（请填写）”改成实际内容，"
          f"再运行 python -m build_tools lint {made.path} 检查。", file=sys.stderr)
    return 0
