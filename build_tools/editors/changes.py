"""What a change to the content means for citizens, for a pull-request comment (`diff REV1 REV2`).

A text diff of YAML tells a reviewer which lines moved; this compares the typed matters at both revisions and
says what a citizen will notice: a matter added, cancelled or merged, a material to bring or no longer to
bring, another fee, time limit, hall, step or phone number.
"""

from __future__ import annotations

import datetime as dt
import io
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from ..load.registry import REGISTRY
from ..schema import CONTENT_TYPES
from ..schema.common import Contact
from ..schema.matter import Fees, Material, Matter, State, Step
from ..validate import Parsed, validate_tree


class Removal(StrEnum):
    """Changes a reviewer may want to block with `--fail-on`: citizens lose something they relied on."""

    MATERIALS = "materials-removed"
    HALLS = "halls-removed"


@dataclass(frozen=True)
class Change:
    topic: str  # 材料、收费、时限、大厅、步骤、联系方式 …
    text: str
    removal: Removal | None = None


@dataclass(frozen=True)
class MatterRef:
    id: str
    name: str
    path: str


@dataclass(frozen=True)
class StatusChange:
    matter: MatterRef
    text: str


@dataclass(frozen=True)
class MatterChanges:
    matter: MatterRef
    changes: list[Change]


@dataclass
class Comparison:
    old_rev: str
    new_rev: str
    added: list[MatterRef] = field(default_factory=list)
    deleted: list[MatterRef] = field(default_factory=list)
    cancelled: list[StatusChange] = field(default_factory=list)
    merged: list[StatusChange] = field(default_factory=list)  # merged or delegated: citizens go to a successor
    suspended: list[StatusChange] = field(default_factory=list)  # suspended or resumed
    changed: list[MatterChanges] = field(default_factory=list)
    problems: dict[str, int] = field(default_factory=dict)  # revision -> validation problems (files not compared)

    def removals(self) -> set[Removal]:
        return {c.removal for m in self.changed for c in m.changes if c.removal}

    @property
    def empty(self) -> bool:
        return not (self.added or self.deleted or self.cancelled or self.merged or self.suspended or self.changed)


class GitError(Exception):
    """A revision could not be read; the message is git's own."""


def tree_at(root: Path, rev: str, dest: Path) -> None:
    """Extract the content folders of `root` as they were at `rev` into `dest` (one `git archive`)."""
    if subprocess.run(["git", "-C", str(root), "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}"], capture_output=True).returncode != 0:
        raise GitError(f"找不到版本“{rev}”（可以写分支名、标签或提交号，例如 origin/main、HEAD~1）")
    prefix = _git(root, "rev-parse", "--show-prefix").strip()
    tree = f"{rev}:{prefix}"
    present = set(_git(root, "ls-tree", "--name-only", tree).split("\n"))
    wanted = [f for f in (*(t.folder for t in CONTENT_TYPES), REGISTRY.parent.as_posix()) if f in present]
    dest.mkdir(parents=True, exist_ok=True)
    if not wanted:
        return
    proc = subprocess.run(["git", "-C", str(root), "archive", "--format=tar", tree, "--", *wanted], capture_output=True)
    if proc.returncode != 0:
        raise GitError(proc.stderr.decode("utf-8", "replace").strip())
    with tarfile.open(fileobj=io.BytesIO(proc.stdout)) as archive:
        archive.extractall(dest, filter="data")


def _git(root: Path, *args: str) -> str:
    proc = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, encoding="utf-8")
    if proc.returncode != 0:
        raise GitError(proc.stderr.strip() or f"git {' '.join(args)} 失败")
    return proc.stdout


def compare_revisions(root: Path, old_rev: str, new_rev: str | None) -> Comparison:
    """Compare two revisions, or a revision with the working tree when `new_rev` is None."""
    with tempfile.TemporaryDirectory(prefix="baike-diff-") as tmp:
        old_root = Path(tmp) / "old"
        tree_at(root, old_rev, old_root)
        new_root = root
        if new_rev is not None:
            new_root = Path(tmp) / "new"
            tree_at(root, new_rev, new_root)
        today = dt.date.today()
        old, new = validate_tree(old_root, today), validate_tree(new_root, today)
        files = (_files(old_root), _files(new_root))
    result = compare(old.parsed, new.parsed, old_rev, new_rev or "工作区", files)
    result.problems = {rev: len(v.problems) for rev, v in ((old_rev, old), (new_rev or "工作区", new)) if v.problems}
    return result


def _files(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for t in CONTENT_TYPES for p in (root / t.folder).rglob("*.yaml")}


def compare(old: Parsed, new: Parsed, old_rev: str, new_rev: str, files: tuple[set[str], set[str]]) -> Comparison:
    """`files` (paths at each revision) tell a deleted file from one that is there but does not validate:
    only the first is reported as deleted (or, the other way round, as added)."""
    result = Comparison(old_rev, new_rev)
    for id in sorted(set(old.matters) | set(new.matters)):
        if id not in old.matters:
            doc, m = new.matters[id]
            if doc.path not in files[0]:
                result.added.append(MatterRef(id, m.name, doc.path))
            continue
        if id not in new.matters:
            doc, m = old.matters[id]
            if doc.path not in files[1]:
                result.deleted.append(MatterRef(id, m.name, doc.path))
            continue
        (_, a), (doc, b) = old.matters[id], new.matters[id]
        ref = MatterRef(id, b.name, doc.path)
        if a.status.state is not b.status.state:
            _status_change(result, ref, b, new)
        if b.status.state in (State.ACTIVE, State.SUSPENDED):
            changes = matter_changes(a, b, old, new)
            if changes:
                result.changed.append(MatterChanges(ref, changes))
    return result


def _status_change(result: Comparison, ref: MatterRef, m: Matter, new: Parsed) -> None:
    s = m.status
    reason = f"：{s.reason.rstrip('。')}" if s.reason else ""
    if s.state is State.CANCELLED:
        names = "、".join(_matter_name(new, a) for a in s.alternatives)
        result.cancelled.append(StatusChange(ref, f"自 {s.since} 起取消{reason}" + (f"；可以改办：{names}" if names else "")))
    elif s.state in (State.MERGED, State.DELEGATED):
        verb = "并入" if s.state is State.MERGED else "下放给"
        result.merged.append(StatusChange(ref, f"自 {s.since} 起{verb}“{_matter_name(new, s.successor)}”{reason}"))
    elif s.state is State.SUSPENDED:
        result.suspended.append(StatusChange(ref, f"自 {s.since} 起暂停办理{reason}"))
    else:
        result.suspended.append(StatusChange(ref, f"自 {s.since} 起恢复办理"))


def _matter_name(p: Parsed, id: str | None) -> str:
    return p.matters[id][1].name if id in p.matters else str(id)


def _hall_name(p: Parsed, id: str) -> str:
    return p.halls[id][1].name if id in p.halls else id


def matter_changes(a: Matter, b: Matter, old: Parsed, new: Parsed) -> list[Change]:
    """Every citizen-visible difference between two versions of one matter, in the order of the page."""
    changes: list[Change] = []
    if a.name != b.name:
        changes.append(Change("名称", f"“{a.name}” → “{b.name}”"))
    changes += _conditions(a, b)
    changes += _materials(a.materials, b.materials)
    changes += _steps(a.steps, b.steps, old, new)
    changes += _halls(a, b, old, new)
    if bool(a.channels.online) != bool(b.channels.online):
        changes.append(Change("网上办理", "可以网上办理了" if b.channels.online else "不再能网上办理"))
    if a.visits.count != b.visits.count:
        changes.append(Change("到现场次数", f"{a.visits.count} 次 → {b.visits.count} 次"))
    for label, x, y in (("法定办结时限", a.time_limits.legal, b.time_limits.legal), ("承诺办结时限", a.time_limits.promised, b.time_limits.promised)):
        if str(x) != str(y):
            changes.append(Change("时限", f"{label}：{x} → {y}"))
    if a.handling_type is not b.handling_type:
        changes.append(Change("时限", f"办件类型：{a.handling_type} → {b.handling_type}"))
    if _fees(a.fees) != _fees(b.fees):
        changes.append(Change("收费", f"{_fees(a.fees)} → {_fees(b.fees)}"))
    changes += _contacts(a, b)
    return changes


def _conditions(a: Matter, b: Matter) -> list[Change]:
    old, new = {c.id: c.text for c in a.conditions}, {c.id: c.text for c in b.conditions}
    changes = [Change("受理条件", f"新增：{new[i]}") for i in new if i not in old]
    changes += [Change("受理条件", f"删除：{old[i]}") for i in old if i not in new]
    changes += [Change("受理条件", f"修改为：{new[i]}") for i in new if i in old and old[i] != new[i]]
    return changes


def _material_facts(m: Material) -> str:
    facts = "免提交" if m.exempt else f"原件 {m.originals} 份、复印件 {m.copies} 份"
    return f"{m.necessity}，{facts}" + (f"，{m.condition}" if m.condition else "")


def _materials(old: list[Material], new: list[Material]) -> list[Change]:
    before, after = {m.id: m for m in old}, {m.id: m for m in new}
    changes = [Change("材料", f"新增“{m.name}”（{_material_facts(m)}）") for m in new if m.id not in before]
    changes += [Change("材料", f"删除“{m.name}”", Removal.MATERIALS) for m in old if m.id not in after]
    for m in new:
        was = before.get(m.id)
        if was is None:
            continue
        if was.name != m.name:
            changes.append(Change("材料", f"“{was.name}”改名为“{m.name}”"))
        if _material_facts(was) != _material_facts(m) or was.form != m.form:
            changes.append(Change("材料", f"“{m.name}”：{_material_facts(was)}（{'、'.join(was.form)}） → {_material_facts(m)}（{'、'.join(m.form)}）"))
    return changes


def _step_facts(s: Step, p: Parsed) -> dict[str, str]:
    where = "，".join(x for x in (_hall_name(p, s.where.hall) if s.where.hall else "", s.where.text or "") if x) if s.where else ""
    return {"说明": s.text, "地点": where, "时长": str(s.duration) if s.duration else "", "费用": s.fee or "", "链接": s.link or ""}


def _steps(old: list[Step], new: list[Step], oldp: Parsed, newp: Parsed) -> list[Change]:
    """Steps have no ids: they are matched by title, so a renamed step shows as one removed and one added."""
    before, after = {s.title: s for s in old}, {s.title: s for s in new}
    changes = [Change("步骤", f"新增“{s.title}”") for s in new if s.title not in before]
    changes += [Change("步骤", f"删除“{s.title}”") for s in old if s.title not in after]
    kept_old = [s.title for s in old if s.title in after]
    kept_new = [s.title for s in new if s.title in before]
    if kept_old != kept_new:
        changes.append(Change("步骤", "顺序调整为：" + " → ".join(kept_new)))
    for s in new:
        if s.title not in before:
            continue
        was, now = _step_facts(before[s.title], oldp), _step_facts(s, newp)
        for key in was:
            if was[key] != now[key]:
                text = "有修改" if key == "说明" else f"{was[key] or '（无）'} → {now[key] or '（无）'}"
                changes.append(Change("步骤", f"“{s.title}”的{key}{'' if key == '说明' else '：'}{text}"))
    return changes


def _halls(a: Matter, b: Matter, old: Parsed, new: Parsed) -> list[Change]:
    before = a.channels.window.halls if a.channels.window else []
    after = b.channels.window.halls if b.channels.window else []
    changes = [Change("大厅", f"新增可以办理的大厅“{_hall_name(new, h)}”") for h in after if h not in before]
    changes += [Change("大厅", f"不再在“{_hall_name(old, h)}”办理", Removal.HALLS) for h in before if h not in after]
    return changes


def _fees(f: Fees) -> str:
    if not f.charged:
        return "不收费"
    return "；".join(f"{i.name} {i.standard}" for i in f.items)


def _contact(c: Contact) -> str:
    return f"{c.type} {c.value}"


def _contacts(a: Matter, b: Matter) -> list[Change]:
    changes = []
    for group, label in (("consult", "咨询"), ("complaint", "投诉")):
        before = [_contact(c) for c in getattr(a.contacts, group)]
        after = [_contact(c) for c in getattr(b.contacts, group)]
        changes += [Change("联系方式", f"新增{label}方式：{c}") for c in after if c not in before]
        changes += [Change("联系方式", f"删除{label}方式：{c}") for c in before if c not in after]
    return changes
