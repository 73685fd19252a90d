"""`diff REV1 [REV2]`: what a change means for citizens, as Markdown for a pull-request comment."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..editors.changes import GitError, Removal, compare_revisions
from ..render.site import make_environment

HELP = "比较两个 git 版本的内容，用 Markdown 列出对办事群众的影响（可贴到拉取请求的评论里）"


def _removals(text: str) -> set[Removal]:
    try:
        return {Removal(part.strip()) for part in text.split(",") if part.strip()}
    except ValueError:
        raise argparse.ArgumentTypeError(f"只能是 {', '.join(r.value for r in Removal)}，用逗号分隔") from None


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("old", metavar="REV1", help="原来的版本，例如 origin/main")
    parser.add_argument("new", metavar="REV2", nargs="?", help="新的版本，例如 HEAD；不写则与工作区（还没提交的修改）比较")
    parser.add_argument("--fail-on", type=_removals, default=set(), metavar="WHAT",
                        help="出现这些变化时退出码为 1：materials-removed（删除了材料）、halls-removed（减少了办理大厅），用逗号分隔")
    parser.add_argument("--root", type=Path, default=Path("."), help="内容仓库根目录（在 git 工作区里）")


def run(args: argparse.Namespace) -> int:
    try:
        comparison = compare_revisions(args.root, args.old, args.new)
    except GitError as err:
        print(f"无法读取 git 版本：{err}", file=sys.stderr)
        return 2
    sys.stdout.write(make_environment().get_template("review_diff.md.j2").render(c=comparison))
    hits = comparison.removals() & args.fail_on
    if hits:
        print(f"出现了 --fail-on 指定的变化：{', '.join(sorted(hits))}（上面标 ⚠️ 的行）", file=sys.stderr)
        return 1
    return 0
