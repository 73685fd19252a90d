"""`synth`: write a synthetic content tree of N matters (for benchmarks and tests); valid and deterministic."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..synth import SynthError, write

HELP = "生成合成内容树（N 个事项，由样例派生，用于性能测试和测试）；同一 seed 输出逐字节相同"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--matters", type=int, required=True, metavar="N", help="事项个数")
    parser.add_argument("--out", type=Path, required=True, metavar="DIR",
                        help="输出目录（不存在则新建；已存在时必须为空，或是以前生成的合成内容树）")
    parser.add_argument("--seed", type=int, default=0, metavar="S", help="随机种子（默认 0）")
    parser.add_argument("--copy-tools", action="store_true", help="复制 build_tools/ 而不是建立符号链接")


def run(args: argparse.Namespace) -> int:
    try:
        plan = write(args.out, args.matters, args.seed, link_tools=not args.copy_tools)
    except SynthError as err:
        print(err, file=sys.stderr)
        return 2
    counts = plan.counts
    print(f"已生成合成内容树 {args.out}：{counts['matters']} 个事项、{counts['sops']} 个 SOP、{counts['guides']} 个场景指南、"
          f"{counts['halls']} 个大厅、{counts['departments']} 个部门（seed {args.seed}）。", file=sys.stderr)
    return 0
