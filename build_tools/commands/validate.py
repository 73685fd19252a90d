"""`validate`: check every content file; print every problem as `path:line:col: message`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..editors.lint import as_warnings, lint, load_glossary
from ..validate import validate_tree

HELP = "检查全部内容文件，一次列出所有问题（path:line:col: message）"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--root", type=Path, default=Path("."), help="内容仓库根目录（默认当前目录）")
    parser.add_argument("--warnings", action="store_true", help="同时列出内容检查（lint）发现的问题，都作为警告；退出码不受警告影响")


def run(args: argparse.Namespace) -> int:
    result = validate_tree(args.root)
    shown = list(result.problems)
    if args.warnings:
        terms, problems = load_glossary(args.root)
        shown = sorted(set(shown + as_warnings(problems + lint(args.root, result.parsed, terms))))
    for problem in shown:
        print(problem)
    counts = {k: len(v) for k, v in vars(result.parsed).items() if isinstance(v, dict)}
    summary = "、".join(f"{n} 个{label}" for label, n in zip(("部门", "大厅", "事项", "SOP", "场景指南"), counts.values()))
    if result.ok:
        print(f"内容检查通过：{summary}。", file=sys.stderr)
        return 0
    print(f"发现 {len(result.errors)} 个问题，请按上面的提示修改。", file=sys.stderr)
    return 1
