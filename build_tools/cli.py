"""`python -m build_tools VERB`: thin verbs over the pipeline stages; each lives in `commands/`."""

from __future__ import annotations

import argparse
import importlib
import sys

#: Verb -> module in build_tools.commands. Order is the order of `--help`.
VERBS = {
    "validate": "validate",
    "lint": "lint",
    "new": "new",
    "diff": "diff",
    "build": "build",
    "codes": "codes",
    "qr": "qr",
    "gen-docs": "gen_docs",
    "synth": "synth",
    "report": "report",
    "booklet": "booklet",
    "import": "import_data",
    "export": "export",
    "search": "search",
    "serve-search": "serve_search",
}


def _formatter(prog: str) -> argparse.HelpFormatter:
    """Fixed width, so `--help` (and docs/cli.md generated from it) does not depend on the terminal."""
    return argparse.HelpFormatter(prog, width=100)


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m build_tools", description="行政服务百科编译器：YAML 内容 → 静态网站及其附属产物",
                                     formatter_class=_formatter)
    sub = parser.add_subparsers(dest="verb", required=True, metavar="VERB")
    for verb, module_name in VERBS.items():
        module = importlib.import_module(f"build_tools.commands.{module_name}")
        cmd = sub.add_parser(verb, help=module.HELP, description=module.HELP, formatter_class=_formatter)
        module.add_arguments(cmd)
        cmd.set_defaults(run=module.run)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = make_parser().parse_args(argv)
    try:
        return args.run(args)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        sys.stderr.close()
        return 0
