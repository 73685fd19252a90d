"""`lint`: the validator's errors plus the content lint (unfinished placeholders as errors; long sentences,
unexplained jargon and steps without a time or place as warnings). Warnings never fail the command."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..editors.lint import lint, load_glossary
from ..problems import Severity
from ..validate import validate_tree

HELP = "内容检查：校验错误，加上未改的占位文字（错误）和长句、未解释的术语、没写时间地点的步骤（警告）"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="*", type=Path, metavar="FILE", help="只报告这些文件里的问题（pre-commit 传入改动过的文件）；不写则报告全部")
    parser.add_argument("--root", type=Path, default=Path("."), help="内容仓库根目录（默认当前目录）")


def run(args: argparse.Namespace) -> int:
    result = validate_tree(args.root)
    terms, problems = load_glossary(args.root)
    problems = sorted(set(result.problems + problems + lint(args.root, result.parsed, terms)))
    if args.paths:
        wanted = {_relative(args.root, p) for p in args.paths}
        problems = [p for p in problems if p.path in wanted]
    for problem in problems:
        print(problem)
    errors = sum(1 for p in problems if p.severity is Severity.ERROR)
    print(f"{errors} 个错误，{len(problems) - errors} 个警告。" + ("请改正错误后再提交；警告请尽量处理。" if errors else ""), file=sys.stderr)
    return 1 if errors else 0


def _relative(root: Path, path: Path) -> str:
    """A path as problems name it: relative to the content root, with forward slashes."""
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()
