"""Rules across fields and files that a schema cannot express.

Each rule is a small function that yields problems; `RULES` lists them all, so adding a rule is adding a
function. Messages say what to write instead.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import PurePosixPath
from typing import Any

from ..load import Document
from ..load.yamlpos import Loc
from ..problems import Problem
from ..schema.common import ContactType
from ..schema.matter import HandlingType, PowerSource, State
from ..schema.sop import SopKind
from .cases import CASE_RULES
from .facts import FACT_RULES
from .parsed import Parsed

#: Catch-all wording that the 2017 State Council check found in 13 % of guides; never accepted.
CATCH_ALL = re.compile(r"其他(相关)?材料|其他(有关|相关)?(证明|文件)|规定的其他|有关部门要求的|等材料|^其他条件|其他条件。?$|相关材料$")


Rule = Callable[[Parsed], Iterator[Problem]]


def _ref(doc: Document, loc: Loc, target: str, known: dict[str, Any] | set[str], label: str, folder: str) -> Iterator[Problem]:
    if target not in known:
        yield doc.problem(loc, f"找不到{label}“{target}”；请写 {folder}/ 下已有文件的文件名（不含 .yaml）")


def file_names_match_ids(p: Parsed) -> Iterator[Problem]:
    for table in (p.departments, p.halls, p.matters, p.sops, p.guides):
        for doc, obj in table.values():
            stem = PurePosixPath(doc.path).stem
            if stem != obj.id:
                yield doc.problem(("id",), f"id“{obj.id}”与文件名“{stem}.yaml”不一致；请把文件改名为 {obj.id}.yaml，或把 id 改成 {stem}")


def _known_ids(p: Parsed) -> dict[str, set[str]]:
    """Ids a reference may name, by kind. Built once per rule: built per reference, it made validation
    quadratic in the number of matters."""
    return {kind: set(table) | p.present.get(kind, set()) for kind, table in (("department", p.departments), ("hall", p.halls), ("matter", p.matters))}


class _Refs:
    """Reference checks for one document: each method yields a problem if the id does not exist."""

    def __init__(self, doc: Document, known: dict[str, set[str]]):
        self.doc, self.known = doc, known

    def dept(self, loc: Loc, target: str) -> Iterator[Problem]:
        return _ref(self.doc, loc, target, self.known["department"], "部门", "departments")

    def hall(self, loc: Loc, target: str) -> Iterator[Problem]:
        return _ref(self.doc, loc, target, self.known["hall"], "大厅", "halls")

    def matter(self, loc: Loc, target: str) -> Iterator[Problem]:
        return _ref(self.doc, loc, target, self.known["matter"], "事项", "matters")


def matter_references(p: Parsed) -> Iterator[Problem]:
    known = _known_ids(p)
    for doc, m in p.matters.values():
        refs = _Refs(doc, known)
        yield from refs.dept(("authority", "body"), m.authority.body)
        yield from refs.dept(("review", "owner"), m.review.owner)
        for i, body in enumerate(m.authority.joint_bodies):
            yield from refs.dept(("authority", "joint_bodies", i), body)
        if m.channels.window:
            for i, h in enumerate(m.channels.window.halls):
                yield from refs.hall(("channels", "window", "halls", i), h)
            for h in m.channels.window.windows:
                if h not in m.channels.window.halls:
                    yield doc.problem(("channels", "window", "windows", h), f"窗口号写给了大厅“{h}”，但它不在 halls 列表里；请先把它加进 halls", key=True)
        for i, h in enumerate(m.channels.self_service_halls):
            yield from refs.hall(("channels", "self_service_halls", i), h)
        for i, step in enumerate(m.steps):
            if step.where and step.where.hall:
                yield from refs.hall(("steps", i, "where", "hall"), step.where.hall)
        for group in ("consult", "complaint"):
            for i, c in enumerate(getattr(m.contacts, group)):
                if c.hall:
                    yield from refs.hall(("contacts", group, i, "hall"), c.hall)
        for i, r in enumerate(m.related):
            yield from refs.matter(("related", i), r)
        if m.status.successor:
            yield from refs.matter(("status", "successor"), m.status.successor)
        for i, a in enumerate(m.status.alternatives):
            yield from refs.matter(("status", "alternatives", i), a)


def unique_local_ids(p: Parsed) -> Iterator[Problem]:
    for doc, m in p.matters.values():
        seen: dict[str, str] = {}
        for group in ("conditions", "materials"):
            for i, item in enumerate(getattr(m, group)):
                if item.id in seen:
                    yield doc.problem((group, i, "id"), f"编号“{item.id}”在本事项里已经用过（{seen[item.id]}）；材料和条件的编号要各不相同")
                seen[item.id] = group


def unique_codes(p: Parsed) -> Iterator[Problem]:
    seen: dict[str, str] = {}
    for doc, m in p.matters.values():
        code = m.codes.implementation
        if code in seen:
            yield doc.problem(("codes", "implementation"), f"实施编码 {code} 与 {seen[code]} 重复；每个事项的实施编码必须唯一")
        else:
            seen[code] = doc.path


def time_limits(p: Parsed) -> Iterator[Problem]:
    for doc, m in p.matters.values():
        legal, promised = m.time_limits.legal, m.time_limits.promised
        if not isinstance(legal, str) and promised.natural_days() > legal.natural_days():
            yield doc.problem(("time_limits", "promised"), f"承诺时限（{promised}）不能超过法定时限（{legal}）")
        if m.handling_type is HandlingType.IMMEDIATE and promised.most != 0:
            yield doc.problem(("handling_type",), f"即办件的承诺时限应为 0（当场办结），现在是 {promised}；要么把承诺时限改为 0，要么把办件类型改为“承诺件”")
        if m.handling_type is HandlingType.PROMISED and promised.most == 0:
            yield doc.problem(("handling_type",), "承诺时限为 0 表示当场办结，办件类型应写“即办件”")


def visits_and_channels(p: Parsed) -> Iterator[Problem]:
    for doc, m in p.matters.values():
        if m.visits.count > 0 and not m.visits.reason:
            yield doc.problem(("visits",), f"到现场 {m.visits.count} 次需要写明原因：在 visits 下加上 reason: 例如“需核验身份证原件”")
        if m.status.state is not State.ACTIVE and m.status.state is not State.SUSPENDED:
            continue
        ch = m.channels
        if not ch.window and not ch.online:
            yield doc.problem(("channels",), "在办事项至少要有窗口办理（window）或网上办理（online）之一")
        if m.visits.count == 0 and not ch.online and not ch.express.supported:
            yield doc.problem(("visits", "count"), "到现场 0 次，但既不能网上办理也不能快递，群众无法办理；请补充网上办理或快递，或改正次数")


def fees(p: Parsed) -> Iterator[Problem]:
    for doc, m in p.matters.values():
        if m.fees.charged and not m.fees.items:
            yield doc.problem(("fees",), "收费的事项要逐项写出收费项目（items：名称、标准、依据）")
        if not m.fees.charged and m.fees.items:
            yield doc.problem(("fees", "items"), "写了收费项目，但 charged 是 false；不收费就删掉 items，收费就把 charged 改为 true")


def materials(p: Parsed) -> Iterator[Problem]:
    for doc, m in p.matters.values():
        for i, mat in enumerate(m.materials):
            if CATCH_ALL.search(mat.name):
                yield doc.problem(("materials", i, "name"), f"“{mat.name}”是兜底式写法，群众无法据此准备；请逐项写清楚具体要哪份材料")
            if mat.originals == 0 and mat.copies == 0 and not mat.exempt:
                yield doc.problem(("materials", i), "原件和复印件份数都是 0；请写明份数，或者写 exempt: true 表示免提交")
        for i, c in enumerate(m.conditions):
            if CATCH_ALL.search(c.text):
                yield doc.problem(("conditions", i, "text"), "受理条件不能写“法律法规规定的其他条件”之类的兜底条款；请逐条写明")


def authority(p: Parsed) -> Iterator[Problem]:
    for doc, m in p.matters.values():
        if m.authority.power_source is not PowerSource.OWN_LEVEL and not m.authority.from_body:
            yield doc.problem(("authority", "power_source"), f"权力来源是“{m.authority.power_source}”，请用 from_body 写明原实施机关")


def lifecycle(p: Parsed) -> Iterator[Problem]:
    for doc, m in p.matters.values():
        s = m.status
        if s.state in (State.MERGED, State.DELEGATED) and not s.successor:
            yield doc.problem(("status",), f"状态为“{s.state}”的事项要用 successor 写明接替它的事项 id")
        if s.state is not State.ACTIVE and not s.reason:
            yield doc.problem(("status",), f"状态为“{s.state}”时要用 reason 写明原因，群众会在页面上看到")
        if s.successor == m.id:
            yield doc.problem(("status", "successor"), "successor 不能是事项自己")
        elif s.successor in p.matters:
            target = p.matters[s.successor][1]
            if target.status.state in (State.CANCELLED,):
                yield doc.problem(("status", "successor"), f"接替事项“{s.successor}”已经取消；请指向仍在办理的事项")
        if s.since > p.today and s.state is not State.ACTIVE:
            yield doc.problem(("status", "since"), f"状态生效日期 {s.since} 在今天之后；请在生效后再合并修改")
        if m.review.last_verified > p.today:
            yield doc.problem(("review", "last_verified"), f"核对日期 {m.review.last_verified} 在今天之后")


def successor_chains(p: Parsed) -> Iterator[Problem]:
    """A merged or delegated matter's QR code leads along its successors to the matter handled today, or to a
    tombstone: a chain that comes back on itself (A into B, B into A) leads nowhere."""
    for doc, m in p.matters.values():
        chain, current = [m.id], m
        while current.status.successor in p.matters and current.status.successor != current.id:
            nxt = current.status.successor
            if nxt in chain:
                loop = " → ".join([*chain[chain.index(nxt):], nxt])
                yield doc.problem(("status", "successor"), f"合并、下放的接替关系绕成了圈（{loop}），扫码后在这些事项之间来回跳转，哪个都办不了；"
                                                           "接替链的终点必须是仍在办理的事项或已取消的事项，请改正其中一个的 successor")
                break
            chain.append(nxt)
            current = p.matters[nxt][1]


def contacts(p: Parsed) -> Iterator[Problem]:
    for doc, m in p.matters.values():
        complaint = {c.value for c in m.contacts.complaint if c.type is ContactType.PHONE}
        if "12345" not in complaint:
            yield doc.problem(("contacts", "complaint"), "监督投诉方式要包括 12345 市民服务热线：加一项 {type: 电话, value: \"12345\"}")
        for i, c in enumerate(m.contacts.consult):
            if c.type is ContactType.PHONE and c.value in complaint:
                yield doc.problem(("contacts", "consult", i, "value"), f"咨询电话 {c.value} 与投诉电话相同；咨询和投诉要用不同的电话")


def sop_references(p: Parsed) -> Iterator[Problem]:
    known = _known_ids(p)
    for doc, s in p.sops.values():
        refs = _Refs(doc, known)
        yield from refs.dept(("owner",), s.owner)
        for i, h in enumerate(s.halls):
            yield from refs.hall(("halls", i), h)
        if s.kind is SopKind.HANDBOOK:
            if not s.matter:
                yield doc.problem(("kind",), "业务手册要用 matter 写明对应的事项 id")
            if not s.steps:
                yield doc.problem(("kind",), "业务手册至少要有一个操作步骤（steps）")
        elif not s.items:
            yield doc.problem(("kind",), "窗口服务规范至少要有一个服务要求条目（items）")
        roles = {r.id for r in s.roles}
        local = _matter_local_ids(p, s.matter)
        if s.matter:
            yield from refs.matter(("matter",), s.matter)
        for i, step in enumerate(s.steps):
            if step.role not in roles:
                yield doc.problem(("steps", i, "role"), f"岗位“{step.role}”没有在 roles 里定义；可用的岗位：{'、'.join(sorted(roles)) or '（无）'}")
            for j, check in enumerate(step.checks):
                if local is not None and check.ref not in local:
                    yield doc.problem(("steps", i, "checks", j, "ref"), f"事项“{s.matter}”里没有编号为“{check.ref}”的材料或条件；可用的编号：{'、'.join(sorted(local))}")
        seen: set[str] = set()
        for i, item in enumerate(s.items):
            if item.id in seen:
                yield doc.problem(("items", i, "id"), f"条目编号“{item.id}”重复了")
            seen.add(item.id)
            if not item.full_marks:
                yield doc.problem(("items", i, "scoring"), "评分规则要写明满分（大于 0），例如“做到得 2 分；……”：检查表和检查报告按它计满分")


def _matter_local_ids(p: Parsed, matter_id: str | None) -> set[str] | None:
    if not matter_id or matter_id not in p.matters:
        return None
    m = p.matters[matter_id][1]
    return {x.id for x in m.materials} | {c.id for c in m.conditions}


def guide_references(p: Parsed) -> Iterator[Problem]:
    known = _known_ids(p)
    for doc, g in p.guides.values():
        refs = _Refs(doc, known)
        yield from refs.dept(("owner",), g.owner)
        for i, step in enumerate(g.steps):
            for j, mid in enumerate(step.matters):
                yield from refs.matter(("steps", i, "matters", j), mid)


def department_references(p: Parsed) -> Iterator[Problem]:
    known = _known_ids(p)
    for doc, d in p.departments.values():
        for i, h in enumerate(d.halls):
            yield from _Refs(doc, known).hall(("halls", i), h)


RULES: tuple[Rule, ...] = (
    file_names_match_ids,
    matter_references,
    unique_local_ids,
    unique_codes,
    time_limits,
    visits_and_channels,
    fees,
    materials,
    authority,
    lifecycle,
    successor_chains,
    contacts,
    sop_references,
    guide_references,
    department_references,
    *CASE_RULES,
    *FACT_RULES,
)
