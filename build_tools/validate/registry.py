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
    former: dict[tuple[str, str], str] = {}  # (kind, earlier id) -> the code that now redirects its address
    for code, e in entries.items():
        assert doc is not None  # the entries were read from it
        loc = ("codes", code)
        if e.id not in known[e.kind]:
            problems.append(doc.problem(loc, f"短码 {code} 指向的 {e.kind}“{e.id}”不存在了。已经印出去的二维码不能失效：不要删除文件，事项不再办理时"
                                             f"请把状态改为取消或合并；改了 id 的，把这一行的 id 改成新 id，并写上 renamed_from: [{e.id}]"))
        if (e.kind, e.id) in seen:
            problems.append(doc.problem(loc, f"“{e.id}”已经有短码 {seen[(e.kind, e.id)]}；一个对象只能有一个短码"))
        seen[(e.kind, e.id)] = code
        for i, old in enumerate(e.renamed_from):
            if old in known[e.kind] or (e.kind, old) in former:
                other = f"短码 {former[(e.kind, old)]} 的原 id" if (e.kind, old) in former else "现在一个文件的 id"
                problems.append(doc.problem((*loc, "renamed_from", i), f"原 id“{old}”也是{other}；原来的网址只能转到一个地方"))
            former[(e.kind, old)] = code
    missing = sorted(f"{kind}:{id}" for kind, ids in known.items() for id in ids if (kind, id) not in seen)
    if missing:
        problems.append(Problem(REGISTRY.as_posix(), 1, 1, f"{len(missing)} 个对象还没有短码（例如 {missing[0]}）；请运行 python -m build_tools codes assign 后提交 registry/codes.yaml"))
    return problems
