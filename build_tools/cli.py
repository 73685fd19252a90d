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


def make_parser(verbs: list[str] | None = None) -> argparse.ArgumentParser:
    """The parser of `verbs` (all by default). Each verb's module is imported to add its arguments, and some
    import much of the compiler: `main` asks only for the verb it runs."""
    parser = argparse.ArgumentParser(prog="python -m build_tools", description="行政服务百科编译器：YAML 内容 → 静态网站及其附属产物",
                                     formatter_class=_formatter)
    sub = parser.add_subparsers(dest="verb", required=True, metavar="VERB")
    for verb in verbs or VERBS:
        module = importlib.import_module(f"build_tools.commands.{VERBS[verb]}")
        cmd = sub.add_parser(verb, help=module.HELP, description=module.HELP, formatter_class=_formatter)
        module.add_arguments(cmd)
        cmd.set_defaults(run=module.run)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    args = make_parser([argv[0]] if argv and argv[0] in VERBS else None).parse_args(argv)
    try:
        return args.run(args)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        sys.stderr.close()
        return 0
