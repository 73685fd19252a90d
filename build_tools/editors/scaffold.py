"""Scaffolds for new content files (`new matter|sop|guide`).

A scaffold validates as soon as it is written, so CI and the live preview work from the first save. Text the
editor must write holds the placeholder `（请填写）`, which the content lint reports as an error: a draft cannot
be merged unfinished. Numbers and choices that cannot hold that text (time limits, visit count, enumerations)
get the value most of the department's other matters use, each under a comment saying what to check.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..load.registry import REGISTRY, Entry, assign, dump, load_registry
from ..render.site import make_environment
from ..schema import BY_NAME
from ..schema.common import TimeUnit, id_problem
from ..schema.matter import (
    Audience,
    BodyNature,
    Delivery,
    HandlingType,
    Level,
    MaterialForm,
    Matter,
    MatterType,
    Necessity,
    OnlineDepth,
    PowerSource,
    ResultType,
    Scope,
)
from ..schema.place import Department, Hall, HallType
from ..schema.sop import Category, OnFail, Phase, SopKind
from ..validate import Parsed, validate_tree
from .lint import PLACEHOLDER, PLACEHOLDER_CATALOG

#: 实施编码 = district prefix + 基本编码 + one letter for each implementation of the same 基本编码 (A, B …).
_IMPLEMENTATION = re.compile(r"^(?P<prefix>[0-9A-Z]+?)(?P<catalog>[0-9A-Z]{12})(?P<letter>[A-Z])$")


#: The allowed values each comment lists, taken from the schema so a comment can never offer a stale choice.
CHOICES = {e.__name__: "、".join(member.value for member in e) for e in (
    MatterType, Audience, BodyNature, PowerSource, Level, Necessity, MaterialForm, TimeUnit, HandlingType, ResultType,
    Delivery, OnlineDepth, Scope, SopKind, Phase, OnFail, Category)}


class ScaffoldError(Exception):
    """The scaffold cannot be written; the message says what to pass instead."""


@dataclass(frozen=True)
class Scaffold:
    kind: str  # matter | sop | guide
    id: str
    path: str  # relative to the content root
    code: str  # the short code issued for it


@dataclass(frozen=True)
class MatterDefaults:
    """Choices pre-filled from the department's existing matters, so the common case needs no change."""

    matter_type: str
    audience: list[str]
    nature: str
    level: str
    scope: str
    result_type: str


def slug_for(name: str, given: str | None) -> str:
    """The id: `given`, or the name itself when it is already ASCII words. Chinese names need `--id`: ids are
    permanent URLs and a machine transliteration (多音字) is not something to make permanent unseen."""
    if given is not None:
        if problem := id_problem(given):
            raise ScaffoldError(f"id“{given[:40]}{'…' if len(given) > 40 else ''}”不能用：{problem}")
        return given
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    if not name.isascii() or not slug:
        raise ScaffoldError(f"无法从名称“{name}”得出英文 id；请用 --id 指定，小写拼音或英文加连字符，例如 --id qiye-sheli-dengji")
    if problem := id_problem(slug):
        raise ScaffoldError(f"从名称得出的 id 不能用：{problem}；请用 --id 指定")
    return slug


def next_implementation(parsed: Parsed, catalog: str) -> str:
    """The first free 实施编码 for `catalog`, with the district prefix most existing matters use."""
    used = {m.codes.implementation for _doc, m in parsed.matters.values()}
    prefixes = Counter(found["prefix"] for code in used if (found := _IMPLEMENTATION.match(code)))
    if not prefixes:
        raise ScaffoldError("现有事项里找不到“区划前缀 + 12 位基本编码 + 字母”形式的实施编码，无法推算；请先手工写一个事项")
    prefix = prefixes.most_common(1)[0][0]
    for letter in "ABCDEFGHIJKLMNOPQRSTUVWXYZ":
        if f"{prefix}{catalog}{letter}" not in used:
            return f"{prefix}{catalog}{letter}"
    raise ScaffoldError(f"基本编码 {catalog} 的 26 个实施编码都用完了")


def matter_defaults(parsed: Parsed, department: str) -> MatterDefaults:
    own = [m for _doc, m in parsed.matters.values() if m.authority.body == department]
    pool = own or [m for _doc, m in parsed.matters.values()]

    def common(values: list[Any], fallback: Any) -> Any:
        return Counter(values).most_common(1)[0][0] if values else fallback

    return MatterDefaults(
        matter_type=common([m.matter_type.value for m in pool], "公共服务"),
        audience=list(common([tuple(a.value for a in m.audience) for m in pool], ("自然人",))),
        nature=common([m.authority.nature.value for m in pool], "法定机关"),
        level=common([m.authority.level.value for m in pool], "区级"),
        scope=common([m.scope.value for m in own], "不通办"),  # never 全区 on the strength of other departments: it promises every street hall
        result_type=common([m.result.type.value for m in pool], "其他"),
    )


def _halls_of(parsed: Parsed, department: Department) -> list[Hall]:
    """Where the department has windows; a department without any starts at the district hall."""
    halls = [parsed.halls[h][1] for h in department.halls if h in parsed.halls]
    if halls:
        return halls
    district = [h for _doc, h in parsed.halls.values() if h.type is HallType.DISTRICT]
    if not district:
        raise ScaffoldError("还没有区级大厅（halls/ 下 type 为区级大厅的文件）；请先添加大厅")
    return district[:1]


def _yaml_scalar(value: str) -> str:
    """A double-quoted YAML scalar (JSON strings are valid YAML), whatever the name contains."""
    return json.dumps(value, ensure_ascii=False)


def new_file(root: Path, kind: str, department: str, name: str, *, id: str | None = None, catalog: str | None = None,
             matter: str | None = None, matters: list[str] | None = None, situations: bool = False,
             today: dt.date | None = None) -> Scaffold:
    """Write the scaffold and give it a short code; nothing is written if anything is wrong."""
    today = today or dt.date.today()
    parsed = validate_tree(root, today).parsed
    entries, _doc, problems = load_registry(root)
    if problems:
        raise ScaffoldError("短码登记表有错误，请先运行 validate 修改：\n" + "\n".join(str(p) for p in problems))
    if department not in parsed.departments:
        raise ScaffoldError(f"找不到部门“{department}”；可用的部门 id：{'、'.join(sorted(parsed.departments))}")
    dept = parsed.departments[department][1]
    ident = slug_for(name, id)
    ctype = BY_NAME[kind]
    path = Path(ctype.folder) / f"{ident}.yaml"
    if (root / path).exists():
        raise ScaffoldError(f"{path.as_posix()} 已经存在；请换一个 id")
    context: dict[str, Any] = {"id": ident, "name": name, "department": dept, "today": today, "placeholder": PLACEHOLDER,
                               "placeholder_catalog": PLACEHOLDER_CATALOG, "choices": CHOICES, "situations": situations}
    if kind == "matter":
        catalog = catalog or PLACEHOLDER_CATALOG
        if not re.fullmatch(r"[0-9A-Z]{12}", catalog):
            raise ScaffoldError(f"基本编码“{catalog}”应为 12 位数字或大写字母")
        context |= {"catalog": catalog, "implementation": next_implementation(parsed, catalog),
                    "defaults": matter_defaults(parsed, department), "halls": _halls_of(parsed, dept)}
    elif kind == "sop":
        if matter is not None and matter not in parsed.matters:
            raise ScaffoldError(f"找不到事项“{matter}”；业务手册的 --matter 要写 matters/ 下已有文件的文件名（不含 .yaml）")
        context["matter"] = parsed.matters[matter][1] if matter else None
    else:
        context["matters"] = _guide_matters(parsed, matters or [])
    code = _issue_code(entries, kind, ident, today)
    context["code"] = code.code
    env = make_environment().overlay(autoescape=False)
    env.filters = {**env.filters, "yaml": _yaml_scalar}
    text = env.get_template(f"new/{kind}.yaml.j2").render(context)
    (root / path).parent.mkdir(parents=True, exist_ok=True)
    (root / path).write_text(text, encoding="utf-8")
    (root / REGISTRY).parent.mkdir(parents=True, exist_ok=True)
    (root / REGISTRY).write_text(dump({**entries, code.code: code}), encoding="utf-8")
    return Scaffold(kind, ident, path.as_posix(), code.code)


def _guide_matters(parsed: Parsed, matters: list[str]) -> list[Matter]:
    """A scenario guide is a journey through at least two matters, one step each to begin with."""
    if len(matters) < 2:
        raise ScaffoldError("场景指南至少包括两个事项；请用 --matters 列出，用逗号分隔，例如 --matters shiye-dengji,shiye-baoxianjin")
    missing = [m for m in matters if m not in parsed.matters]
    if missing:
        raise ScaffoldError(f"找不到事项：{'、'.join(missing)}；请写 matters/ 下已有文件的文件名（不含 .yaml）")
    return [parsed.matters[m][1] for m in matters]


def _issue_code(entries: dict[str, Entry], kind: str, ident: str, today: dt.date) -> Entry:
    """The next free short code for the new object only (`codes assign` would also code any other uncoded file)."""
    if any(e.kind == kind and e.id == ident for e in entries.values()):
        raise ScaffoldError(f"短码登记表里已经有 {kind}“{ident}”：这个 id 用过，即使文件已删除也不能再用；请换一个 id")
    known: dict[str, set[str]] = {k: set() for k in ("matter", "sop", "guide", "hall")}
    known[kind] = {ident}
    issued = assign(entries, known, today)
    return next(e for code, e in issued.items() if code not in entries)
