"""`gen-docs`: regenerate the committed reference files from the code (JSON Schemas, field and CLI reference).

A test runs this in check mode, so the files in the repository can never drift from the code.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

#: The repository this package belongs to: what the drift test compares against.
REPO = Path(__file__).resolve().parents[2]

HELP = "从代码重新生成 schemas/*.json、docs/fields.md、docs/cli.md 和 CODEOWNERS（--check：只检查是否过时）"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--root", type=Path, default=Path("."), help="仓库根目录")
    parser.add_argument("--check", action="store_true", help="不写文件；有过时的文件时退出码为 1")


def expected_files(root: Path = REPO) -> dict[str, str]:
    from ..editors.ownership import codeowners
    from ..render.site import make_environment
    from ..schema import CONTENT_TYPES
    from ..schema.reference import all_field_tables, json_schema

    files = {f"schemas/{t.name}.schema.json": json_schema(t) for t in CONTENT_TYPES}
    files["docs/fields.md"] = make_environment().get_template("fields.md.j2").render(tables=all_field_tables())
    files["docs/cli.md"] = cli_reference()
    files["CODEOWNERS"] = codeowners(root)
    return files


def cli_reference() -> str:
    from ..cli import VERBS, make_parser

    parser = make_parser()
    sub = next(a for a in parser._actions if a.dest == "verb")  # argparse keeps subparsers here
    parts = ["# 命令行参考\n", "由 `python -m build_tools gen-docs` 根据 `--help` 自动生成，请勿手改。\n", "```text", parser.format_help().rstrip(), "```\n"]
    for verb in VERBS:
        parts += [f"## `{verb}`\n", "```text", sub.choices[verb].format_help().rstrip(), "```\n"]
        for actions in (a for a in sub.choices[verb]._actions if isinstance(a, argparse._SubParsersAction)):  # e.g. report inspections
            for name, action in actions.choices.items():
                parts += [f"### `{verb} {name}`\n", "```text", action.format_help().rstrip(), "```\n"]
    return "\n".join(parts)


def run(args: argparse.Namespace) -> int:
    stale = []
    for rel, text in expected_files(args.root).items():
        path = args.root / rel
        if path.exists() and path.read_text(encoding="utf-8") == text:
            continue
        stale.append(rel)
        if not args.check:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
    if args.check and stale:
        print("这些文件与代码不一致，请运行 python -m build_tools gen-docs：" + "、".join(stale), file=sys.stderr)
        return 1
    print(f"{'已更新' if stale else '都是最新的'}：{'、'.join(stale) or '无'}", file=sys.stderr)
    return 0
