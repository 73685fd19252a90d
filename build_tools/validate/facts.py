"""Rules for the facts a real 办事指南 states: windows that exist, where one may apply, links between matters,
legal bases written as the law cites them, and matters that look like duplicates of each other."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from ..problems import Problem, Severity
from ..schema.matter import Where
from ..schema.place import HallType, WindowKind
from .parsed import Parsed

#: A 文号's year goes in 六角括号 (GB/T 9704): 京政办发〔2022〕5 号, not [2022] or (2022).
_WRONG_YEAR_BRACKETS = re.compile(r"[\[［(（【]\s*(19|20)\d{2}\s*[\]］)）】]")
_STREET_RULES = (Where.HUKOU, Where.RESIDENCE, Where.REGISTERED, Where.BUSINESS)


def windows_exist(p: Parsed) -> Iterator[Problem]:
    """A matter's window numbers are windows its hall's file lists; a window kind is one some listed hall has."""
    for doc, m in p.matters.values():
        window = m.channels.window
        if window is None:
            continue
        for hall_id, numbers in window.windows.items():
            hall = p.halls.get(hall_id)
            if hall is None:
                continue
            if hall_id not in window.halls:
                continue  # reported already: the hall is not one of the matter's
            known = {w.no for w in hall[1].windows}
            for i, no in enumerate(numbers):
                if no not in known:
                    listed = "、".join(sorted(known)) or "（这个大厅还没有登记窗口）"
                    yield doc.problem(("channels", "window", "windows", hall_id, i),
                                      f"{hall[1].name}没有窗口“{no}”；halls/{hall_id}.yaml 里登记的窗口有：{listed}")
        if window.window_kind:
            halls = [p.halls[h][1] for h in window.halls if h in p.halls and h not in window.windows]  # listed numbers win
            without = [h.name for h in halls if not any(w.kind is window.window_kind for w in h.windows)]
            if without:
                yield doc.problem(("channels", "window", "window_kind"),
                                  f"{'、'.join(without)}没有“{window.window_kind}”窗口；请在大厅文件里登记，或改正 window_kind")


def jurisdiction_halls(p: Parsed) -> Iterator[Problem]:
    """By hukou, residence, registration or business address means "the street hall of yours": the matter needs
    street halls that say which street they serve."""
    for doc, m in p.matters.values():
        window = m.channels.window
        if window is None or window.jurisdiction is None:
            continue
        for i, v in enumerate(window.jurisdiction.variants):
            for j, hall in enumerate(v.halls or []):
                if hall not in window.halls:
                    yield doc.problem(("channels", "window", "jurisdiction", "variants", i, "halls", j),
                                      f"大厅“{hall}”不在 halls 里；这里只能写本事项可以办理的大厅：{'、'.join(window.halls)}")
        rules = {window.jurisdiction.rule, *(v.rule for v in window.jurisdiction.variants)}
        if not rules & set(_STREET_RULES):
            continue
        halls = [p.halls[h][1] for h in window.halls if h in p.halls]
        local = [h for h in halls if h.type in (HallType.STREET, HallType.COMMUNITY)]
        if not local:
            yield doc.problem(("channels", "window", "jurisdiction"), "按户籍地、居住地等办理的事项要列出街道大厅（halls 里至少一个街道大厅或社区服务站）")
        for h in local:
            if not h.street:
                yield doc.problem(("channels", "window", "halls", window.halls.index(h.id)),
                                  f"{h.name}没有写所在街道（street）；按户籍地、居住地办理的事项要据此帮群众找到大厅")


def matter_links(p: Parsed) -> Iterator[Problem]:
    known = set(p.matters) | p.present.get("matter", set())
    for doc, m in p.matters.values():
        for i, link in enumerate(m.links):
            if link.matter == m.id:
                yield doc.problem(("links", i, "matter"), "links 不能指向事项自己")
            elif link.matter not in known:
                yield doc.problem(("links", i, "matter"), f"找不到事项“{link.matter}”；请写 matters/ 下已有文件的文件名（不含 .yaml）")
        if m.visits.online and not m.channels.online:
            yield doc.problem(("visits", "online"), "写了网上办理时的到现场次数，但这个事项不能网上办理（channels.online）")


def legal_basis_form(p: Parsed) -> Iterator[Problem]:
    """A basis names the law (in 书名号) or its 文号, or both; a 文号's year in 〔〕."""
    for doc, m in p.matters.values():
        for i, b in enumerate(m.legal_basis):
            if not b.title and not b.doc_no:
                yield doc.problem(("legal_basis", i), "设定依据至少要写法律法规名称（title）或文号（doc_no）")
            if b.title and not (b.title.startswith("《") and "》" in b.title):
                yield doc.problem(("legal_basis", i, "title"), f"法律法规名称要带书名号，例如《{b.title.strip('《》<>')}》")
            if b.doc_no and _WRONG_YEAR_BRACKETS.search(b.doc_no):
                fixed = _WRONG_YEAR_BRACKETS.sub(lambda x: "〔" + x.group(0)[1:-1].strip() + "〕", b.doc_no)
                yield doc.problem(("legal_basis", i, "doc_no"), f"文号的年份要用六角括号〔〕，例如“{fixed}”")


def near_duplicates(p: Parsed) -> Iterator[Problem]:
    """Two live matters with the same catalogue code and the same name, or the same popular names, are probably one
    matter written twice (a warning: one 基本编码 has several 业务办理项, and a city catalogue one entry per place,
    each named for it)."""
    seen: dict[tuple[Any, ...], str] = {}
    for doc, m in sorted(p.matters.values(), key=lambda pair: pair[0].path):
        if m.status.state.value != "在办":
            continue
        keys = [(m.codes.catalog, "name", m.name)] + ([(m.codes.catalog, "aka", frozenset(m.popular_names))] if m.popular_names else [])
        for key in keys:
            other = seen.setdefault(key, doc.path)
            if other != doc.path:
                same = f"都叫“{m.name}”" if key[1] == "name" else f"俗称都是“{'、'.join(m.popular_names)}”"
                problem = doc.problem(("codes", "catalog"), f"与 {other} 的基本编码相同，又{same}，可能是同一事项写了两遍；"
                                      "如果是不同的业务办理项，请把名称和俗称写得能区分开")
                yield Problem(problem.path, problem.line, problem.col, problem.message, Severity.WARNING)
                break


def stationed_departments(p: Parsed) -> Iterator[Problem]:
    """A department whose matter is taken at a hall's 专业窗口 is stationed there (进驻; a comprehensive window takes
    matters for every department): its file should say so, or the hall page's list of departments is wrong (a
    warning: the file may only lag behind the matters)."""
    stationed: dict[str, dict[str, str]] = {}  # department -> hall -> a matter at a professional window there
    for _, m in sorted(p.matters.values(), key=lambda pair: pair[0].path):
        window = m.channels.window
        if window is None or m.status.state.value != "在办":
            continue
        for hall, numbers in window.windows.items():
            kinds = {w.no: w.kind for w in p.halls[hall][1].windows} if hall in p.halls else {}
            if any(kinds.get(no) is WindowKind.SPECIAL for no in numbers):
                stationed.setdefault(m.authority.body, {}).setdefault(hall, m.name)
    for dept_id, (doc, d) in sorted(p.departments.items()):
        for hall, matter in sorted(stationed.get(dept_id, {}).items()):
            if hall in p.halls and hall not in d.halls:
                problem = doc.problem(("halls",), f"“{matter}”在{p.halls[hall][1].name}有本部门的窗口，halls 里却没有写 {hall}；"
                                      "请把它加进 halls（大厅页面的“进驻部门”据此列出）")
                yield Problem(problem.path, problem.line, problem.col, problem.message, Severity.WARNING)


FACT_RULES = (windows_exist, jurisdiction_halls, matter_links, legal_basis_form, near_duplicates, stationed_departments)
