"""`codes`: issue permanent short codes, and check that none already issued was removed or repointed."""

from __future__ import annotations

import argparse
import datetime as dt
import subprocess
import sys
from pathlib import Path

from ..load.registry import REGISTRY, assign, compare, dump, load_registry, registry_entries
from ..load.yamlpos import load_text
from ..validate import validate_tree

HELP = "分配短码（assign），或检查已发出的短码没有被删除或改指向（check --base REV）"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", choices=["assign", "check"], help="assign：给还没有短码的对象分配短码；check：与 git 中某个版本比较")
    parser.add_argument("--root", type=Path, default=Path("."), help="内容仓库根目录")
    parser.add_argument("--base", default="HEAD", help="check 时比较的 git 版本（默认 HEAD；CI 里用目标分支）")


def run(args: argparse.Namespace) -> int:
    return _assign(args.root) if args.action == "assign" else _check(args.root, args.base)


def _assign(root: Path) -> int:
    result = validate_tree(root)
    entries, _doc, problems = load_registry(root)
    if problems:
        for p in problems:
            print(p)
        return 1
    parsed = result.parsed
    known = {"matter": set(parsed.matters), "sop": set(parsed.sops), "guide": set(parsed.guides), "hall": set(parsed.halls)}
    updated = assign(entries, known, dt.date.today())
    (root / REGISTRY).parent.mkdir(parents=True, exist_ok=True)
    (root / REGISTRY).write_text(dump(updated), encoding="utf-8")
    for code in sorted(set(updated) - set(entries)):
        print(f"{code}\t{updated[code].kind}\t{updated[code].id}")
    print(f"新分配 {len(updated) - len(entries)} 个短码，共 {len(updated)} 个。", file=sys.stderr)
    return 0


def _check(root: Path, base: str) -> int:
    """Against `base`, which must exist: a mistyped or unfetched branch in CI is a failure, not "nothing to compare"."""
    found = subprocess.run(["git", "rev-parse", "--verify", "--quiet", f"{base}^{{commit}}"], cwd=root, capture_output=True, text=True)
    if found.returncode != 0:
        print(f"找不到 git 版本“{base}”（分支、标签或提交）：请检查拼写；在 CI 里要先 git fetch 这个分支。没有比较，检查不通过。", file=sys.stderr)
        return 1
    proc = subprocess.run(["git", "show", f"{base}:{REGISTRY.as_posix()}"], cwd=root, capture_output=True, text=True)
    if proc.returncode != 0:
        print(f"{base} 中还没有 {REGISTRY}，无需比较。", file=sys.stderr)
        return 0
    doc, problems = load_text(f"{base}:{REGISTRY.as_posix()}", proc.stdout)
    old = registry_entries(doc)[0] if doc is not None else {}
    new, _doc, problems = load_registry(root)
    errors = [str(p) for p in problems] + [f"{REGISTRY}:1:1: {e}" for e in compare(old, new)]
    for e in errors:
        print(e)
    if not errors:
        print(f"已发出的 {len(old)} 个短码都在，指向没有变。", file=sys.stderr)
    return 1 if errors else 0
