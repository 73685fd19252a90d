"""The code registry: `registry/codes.yaml`, append-only, committed.

Codes are uppercase letters and digits (`M0001` matter, `S001` SOP, `G001` scenario guide, `H001` hall) so the
whole short URL fits QR alphanumeric mode: a smaller symbol that scans more easily. An object whose id changed keeps
its code: the entry names the new id and lists the ids it had before (`renamed_from`), whose page addresses then
redirect to the new one.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from ..problems import Problem
from .yamlpos import Document, decode, load_text

REGISTRY = Path("registry") / "codes.yaml"
PREFIX = {"matter": "M", "sop": "S", "guide": "G", "hall": "H"}
WIDTH = {"matter": 4, "sop": 3, "guide": 3, "hall": 3}
CODE = re.compile(r"^[A-Z][0-9]{3,6}$")
HEADER = """\
# 永久短码登记表（二维码用）。只增不删：一个短码一旦发出，就永远指向同一个对象。
# 新对象的短码用 `python -m build_tools codes assign` 分配；不要手工修改或删除已有的行。
"""


@dataclass(frozen=True)
class Entry:
    code: str
    kind: str
    id: str
    issued: dt.date
    renamed_from: tuple[str, ...] = ()  # earlier ids, oldest first


def load_registry(root: Path) -> tuple[dict[str, Entry], Document | None, list[Problem]]:
    path = root / REGISTRY
    if not path.exists():
        return {}, None, []
    if not path.resolve().is_relative_to(root.resolve()):
        return {}, None, [Problem(REGISTRY.as_posix(), 1, 1, "短码登记表是指向仓库以外的符号链接，没有读取；请把文件本身放进仓库")]
    text, problem = decode(REGISTRY.as_posix(), path.read_bytes())
    if problem:
        return {}, None, [problem]
    assert text is not None  # decode gives text or a problem
    doc, problems = load_text(REGISTRY.as_posix(), text)
    if doc is None:
        return {}, None, problems
    entries, found = registry_entries(doc)
    return entries, doc, problems + found


def registry_entries(doc: Document) -> tuple[dict[str, Entry], list[Problem]]:
    """The entries of a parsed registry (the working tree's or one at a git revision), and what is wrong with it."""
    entries: dict[str, Entry] = {}
    problems: list[Problem] = []
    codes = doc.data.get("codes") or {}
    if not isinstance(codes, dict):
        return {}, [doc.problem(("codes",), "codes 下面应该是“短码: {kind: …, id: …, issued: …}”的键值对")]
    for code, value in codes.items():
        loc = ("codes", code)
        if not CODE.match(str(code)):
            problems.append(doc.problem(loc, f"短码“{code}”格式不对：应为一个大写字母加 3–6 位数字，例如 M0001", key=True))
            continue
        renamed = value.get("renamed_from", []) if isinstance(value, dict) else None
        if (not isinstance(value, dict) or value.get("kind") not in PREFIX or not isinstance(value.get("id"), str)
                or not isinstance(value.get("issued"), dt.date) or set(value) - {"kind", "id", "issued", "renamed_from"}
                or not isinstance(renamed, list) or not all(isinstance(r, str) for r in renamed)):
            problems.append(doc.problem(loc, "每个短码要写成 {kind: matter|sop|guide|hall, id: 对象 id, issued: YYYY-MM-DD}，"
                                             "改过 id 的再加 renamed_from: [原来的 id]"))
            continue
        if not str(code).startswith(PREFIX[value["kind"]]):
            problems.append(doc.problem(loc, f"{value['kind']} 的短码应以 {PREFIX[value['kind']]} 开头", key=True))
            continue
        entries[str(code)] = Entry(str(code), value["kind"], value["id"], value["issued"], tuple(renamed))
    return entries, problems


def compare(old: dict[str, Entry], new: dict[str, Entry]) -> list[str]:
    """What an edit did to codes already issued: removed or repointed codes are never allowed, but a code may follow
    its object to a new id that records the old one in `renamed_from` (and keeps the earlier ones there)."""
    errors = []
    for code, e in sorted(old.items()):
        if code not in new:
            errors.append(f"短码 {code}（{e.kind}:{e.id}）被删除了；已发出的短码必须永久保留")
            continue
        now = new[code]
        renamed = now.kind == e.kind and e.id in now.renamed_from
        if (now.kind, now.id) != (e.kind, e.id) and not renamed:
            errors.append(f"短码 {code} 原来指向 {e.kind}:{e.id}，现在指向 {now.kind}:{now.id}；短码不能改指向，也不能重复使用"
                          f"（如果是改了 id，请在这一行写 renamed_from: [{e.id}]）")
        dropped = [r for r in e.renamed_from if r not in now.renamed_from]
        if dropped:
            errors.append(f"短码 {code} 的 renamed_from 里删掉了 {'、'.join(dropped)}；原来的网址要一直转到新页面，不能删")
    return errors


def assign(entries: dict[str, Entry], known: dict[str, set[str]], today: dt.date) -> dict[str, Entry]:
    """Issue the next free code to every object that has none; existing codes are kept as they are."""
    result = dict(entries)
    has = {(e.kind, e.id) for e in entries.values()}
    for kind, ids in known.items():
        used = [int(c[1:]) for c in result if c.startswith(PREFIX[kind])]
        n = max(used, default=0)
        for id in sorted(ids):
            if (kind, id) not in has:
                n += 1
                code = f"{PREFIX[kind]}{n:0{WIDTH[kind]}d}"
                result[code] = Entry(code, kind, id, today)
    return result


class _PlainDumper(yaml.SafeDumper):
    """No anchors and aliases in the registry: every line must read on its own."""

    def ignore_aliases(self, data) -> bool:
        return True


def dump(entries: dict[str, Entry]) -> str:
    ordered = sorted(entries.values(), key=lambda e: (list(PREFIX).index(e.kind), e.code))
    body = {"codes": {e.code: {"kind": e.kind, "id": e.id, "issued": e.issued, **({"renamed_from": list(e.renamed_from)} if e.renamed_from else {})}
                      for e in ordered}}
    return HEADER + yaml.dump(body, Dumper=_PlainDumper, allow_unicode=True, sort_keys=False, default_flow_style=None, width=200)
