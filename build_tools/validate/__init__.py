"""Validate stage: loaded documents -> typed objects and every problem, reported all at once."""

from __future__ import annotations

import datetime as dt
import gc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from ..load import Document, FileCache, load_tree
from ..load.registry import load_registry
from ..problems import Problem, Severity
from ..schema import ContentType
from .fields import check_document
from .parsed import Parsed
from .registry import check_registry
from .rules import RULES

__all__ = ["Validated", "validate_tree", "Parsed"]

#: (the typed object, which has an `id`, or None; problems) of one file
Checked = tuple[Any, list[Problem]]

_TABLES = {"department": "departments", "hall": "halls", "matter": "matters", "sop": "sops", "guide": "guides"}


@dataclass
class Validated:
    parsed: Parsed
    problems: list[Problem]

    @property
    def ok(self) -> bool:
        """No error (warnings are shown, and do not stop a build)."""
        return not self.errors

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity is Severity.ERROR]


def _named_after_id(doc: Document, id: str) -> bool:
    return PurePosixPath(doc.path).stem == id


def validate_tree(root: Path, today: dt.date | None = None, cache: FileCache | None = None) -> Validated:
    """Load and check every content file under `root`. Cross-file rules run even when some files failed,
    so an editor sees all problems in one pass (rules only look at files that did parse). With a `cache`
    (a preview server), files unchanged since the last call are neither parsed nor checked again."""
    with _gc_paused():
        return _validate(root, today, cache)


@contextmanager
def _gc_paused() -> Iterator[None]:
    """No cyclic garbage collection while a tree is loaded and checked.

    A city-scale tree is a million small objects (data, schema objects) that form no cycles and live as long as
    the build; every full collection would walk them all again. At the end they go
    straight to the oldest generation (`gc.freeze` then `gc.unfreeze` moves them without walking them), so the
    next young collections do not walk them all either; they stay collectable as ever."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if not gc.get_freeze_count():  # unfreezing would also release what someone else froze
            gc.freeze()
            gc.unfreeze()
        if enabled:
            gc.enable()


def _checked(doc: Document, ctype: ContentType, cache: FileCache | None) -> Checked:
    """check_document, remembered per file for as long as the cache hands back the same (unchanged) Document."""
    if cache is None:
        return check_document(doc, ctype.model)
    entry = cache.get((doc.path, "checked"))
    if entry is None or entry[0] is not doc:
        entry = cache[(doc.path, "checked")] = (doc, check_document(doc, ctype.model))
    return entry[1]


def _validate(root: Path, today: dt.date | None, cache: FileCache | None) -> Validated:
    checked: dict[str, Checked] = {}  # path -> (object or None, problems), checked while the other files parse

    def check(doc: Document, ctype: ContentType) -> None:
        checked[doc.path] = _checked(doc, ctype, cache)

    loaded = load_tree(root, cache=cache, each=check)
    problems = list(loaded.problems)
    tables: dict[str, dict[str, Any]] = {name: {} for name in _TABLES.values()}
    present: dict[str, set[str]] = {name: set() for name in _TABLES}
    for doc, ctype in loaded.all():
        present[ctype.name].add(str(doc.data.get("id", "")))
        obj, found = checked[doc.path]
        problems.extend(found)
        if obj is None:
            continue
        table = tables[_TABLES[ctype.name]]
        if obj.id in table:
            first = table[obj.id][0]
            if _named_after_id(first, obj.id) or not _named_after_id(doc, obj.id):
                problems.append(doc.problem(("id",), f"{ctype.label} id“{obj.id}”与 {first.path} 重复；id 必须唯一"))
            else:
                problems.append(first.problem(("id",), f"{ctype.label} id“{obj.id}”与 {doc.path} 重复；id 必须唯一"))
                table[obj.id] = (doc, obj)
            continue
        table[obj.id] = (doc, obj)
    codes, registry_doc, found = load_registry(root)
    problems.extend(found)
    parsed = Parsed(**tables, codes=codes, today=today or dt.date.today(), present=present)
    for rule in RULES:
        problems.extend(rule(parsed))
    if not found:  # a registry that does not parse has been reported already
        known = {kind: present[kind] - {""} for kind in ("matter", "sop", "guide", "hall")}
        problems.extend(check_registry(codes, registry_doc, known))
    return Validated(parsed, sorted(set(problems)))
