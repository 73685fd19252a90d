"""The code registry against the content: every issued code points at an object that exists, and every object has
exactly one code (a printed QR code must keep working)."""

from __future__ import annotations

from ..load import Document
from ..load.registry import REGISTRY, Entry
from ..problems import Problem


def check_registry(entries: dict[str, Entry], doc: Document | None, known: dict[str, set[str]]) -> list[Problem]:
    """Every code points at an object that still exists; every object has exactly one code."""
    problems = []
    seen: dict[tuple[str, str], str] = {}
    for code, e in entries.items():
        loc = ("codes", code)
        if e.id not in known[e.kind]:
            problems.append(doc.problem(loc, f"短码 {code} 指向的 {e.kind}“{e.id}”不存在了。已经印出去的二维码不能失效：不要删除或改名文件，事项不再办理时请把状态改为取消或合并"))
        if (e.kind, e.id) in seen:
            problems.append(doc.problem(loc, f"“{e.id}”已经有短码 {seen[(e.kind, e.id)]}；一个对象只能有一个短码"))
        seen[(e.kind, e.id)] = code
    missing = sorted(f"{kind}:{id}" for kind, ids in known.items() for id in ids if (kind, id) not in seen)
    if missing:
        problems.append(Problem(REGISTRY.as_posix(), 1, 1, f"{len(missing)} 个对象还没有短码（例如 {missing[0]}）；请运行 python -m build_tools codes assign 后提交 registry/codes.yaml"))
    return problems
