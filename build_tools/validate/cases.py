"""Rules for matters with questions (办理情形): every `when` names real questions and options, and every combination of
answers leads to a consistent case; the examples editors wrote still hold.

Questions are few, so every combination is enumerated (`situations.combinations`) and checked: a problem says
which answers lead to it ("回答 双方都不是本市户籍；再生育 时：……").
"""

from __future__ import annotations

import typing
from collections.abc import Iterator, Mapping
from typing import Any

from pydantic import BaseModel

from .. import situations as sit
from ..load import Document
from ..load.yamlpos import Loc
from ..problems import Problem
from ..schema import Matter
from ..schema.common import TimeUnit
from ..schema.matter import HandlingType, Necessity
from ..schema.reference import is_object, item_type, strip_optional
from .parsed import Parsed


def _when_paths(model: type[BaseModel], prefix: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    """The field paths of a model where a `when` or `ask_if` can be ("[]" steps into a list), read from the schema
    once: walking every field of every matter found them too, but cost more than all the checks together."""
    for name, field in model.model_fields.items():
        if name in ("when", "ask_if"):
            yield (*prefix, name)
        elif is_object(field.annotation):
            inner = item_type(field.annotation)
            many = typing.get_origin(strip_optional(field.annotation)) is list
            yield from _when_paths(inner, (*prefix, name, *(("[]",) if many else ())))  # type: ignore[arg-type]


_WHEN_PATHS = tuple(_when_paths(Matter))


def _whens(m: Matter) -> Iterator[tuple[Loc, Mapping[str, Any]]]:
    """(location, when) of every `when` and `ask_if` in a matter, in schema order."""

    def walk(value: Any, path: tuple[str, ...], loc: Loc) -> Iterator[tuple[Loc, Mapping[str, Any]]]:
        if value is None:
            return
        if not path:
            yield loc, value
        elif path[0] == "[]":
            for i, item in enumerate(value):
                yield from walk(item, path[1:], (*loc, i))
        else:
            yield from walk(getattr(value, path[0]), path[1:], (*loc, path[0]))

    for path in _WHEN_PATHS:
        yield from walk(m, path, ())




def _answer_problems(doc: Document, m: Matter, loc: Loc, answers: Mapping[str, Any], upto: int | None = None) -> Iterator[Problem]:
    """Questions and options that `answers` (or a `when`) names must exist (before question `upto`, for ask_if)."""
    questions = {q.id: q for q in m.questions[:upto]}
    for qid, wanted in answers.items():
        q = questions.get(qid)
        if q is None:
            known = "、".join(questions) or "（没有可用的问题）"
            where = "前面的问题" if upto is not None else "问题"
            yield doc.problem((*loc, qid), f"没有编号为“{qid}”的{where}；可以写：{known}", key=True)
            continue
        options = {o.id for o in q.options}
        for value in [wanted] if isinstance(wanted, str) else wanted:
            if value not in options:
                yield doc.problem((*loc, qid), f"问题“{q.text}”没有选项“{value}”；可以写：{'、'.join(o.id for o in q.options)}")
        if not q.multiple and not isinstance(wanted, str) and len(wanted) > 1 and loc[-1] == "answers":
            yield doc.problem((*loc, qid), f"问题“{q.text}”只能选一项；要写几种回答，请写成几个情形或例子")


def questions_and_whens(p: Parsed) -> Iterator[Problem]:
    """Ids unique, ask_if only about earlier questions, every `when` about questions and options that exist."""
    for doc, m in p.matters.values():
        seen: set[str] = set()
        for i, q in enumerate(m.questions):
            if q.id in seen:
                yield doc.problem(("questions", i, "id"), f"问题编号“{q.id}”重复了")
            seen.add(q.id)
            ids = [o.id for o in q.options]
            for j, o in enumerate(q.options):
                if ids.index(o.id) != j:
                    yield doc.problem(("questions", i, "options", j, "id"), f"选项编号“{o.id}”在这个问题里重复了")
            if q.ask_if is not None:
                yield from _answer_problems(doc, m, ("questions", i, "ask_if"), q.ask_if, upto=i)
        for loc, when in _whens(m):
            if loc[0] != "questions":
                if not m.questions:
                    yield doc.problem(loc, "写了 when，但这个事项没有问题（questions）；请先在 questions 里写出要问的问题", key=True)
                    continue
                yield from _answer_problems(doc, m, loc, when)
        if sit.count_combinations(m) > sit.MAX_COMBINATIONS:
            yield doc.problem(("questions",), key=True, message=f"问题的回答组合超过 {sit.MAX_COMBINATIONS} 种，无法逐一核对；请减少问题或选项，或把事项拆成几个业务办理项")


def _complete(doc: Document, m: Matter, loc: Loc, answers: Mapping[str, Any], what: str) -> Iterator[Problem]:
    """A situation or an example is one case: every question it reaches is answered, no other."""
    given = sit.answers_of(answers)
    so_far: dict[str, frozenset[str]] = {}
    for q in m.questions:
        if sit.asked(q, so_far):
            if q.id not in given:
                yield doc.problem(loc, f"{what}没有回答问题“{q.text}”；请在 answers 里加上 {q.id}: 选项之一（{'、'.join(o.id for o in q.options)}）")
            else:
                so_far[q.id] = given[q.id]
        elif q.id in given:
            yield doc.problem((*loc, q.id), f"按{what}的其他回答，不会问“{q.text}”；请删掉这一项", key=True)


def situations_and_examples(p: Parsed) -> Iterator[Problem]:
    for doc, m in p.matters.values():
        if (m.situations or m.examples) and not m.questions:
            field = "situations" if m.situations else "examples"
            yield doc.problem((field,), "写了情形或例子，但这个事项没有问题（questions）", key=True)
            continue
        seen: set[str] = set()
        for i, s in enumerate(m.situations):
            if s.id in seen:
                yield doc.problem(("situations", i, "id"), f"情形 id“{s.id}”重复了")
            seen.add(s.id)
            yield from _answer_problems(doc, m, ("situations", i, "answers"), s.answers)
            yield from _complete(doc, m, ("situations", i, "answers"), s.answers, f"情形“{s.name}”")
        for i, e in enumerate(m.examples):
            loc = ("examples", i, "answers")
            found = list(_answer_problems(doc, m, loc, e.answers)) + list(_complete(doc, m, loc, e.answers, f"例子“{e.name}”"))
            yield from found
            if not found:
                yield from _example(doc, m, i)


def every_case(p: Parsed) -> Iterator[Problem]:
    """Each combination of answers leads to a page one can act on, and nothing is out of every case's reach."""
    for doc, m in p.matters.values():
        if not m.questions or sit.count_combinations(m) > sit.MAX_COMBINATIONS or _has_bad_whens(m):
            continue
        reached: set[Loc] = set()
        reported: set[str] = set()
        for case in sit.cases(m):
            said = f"回答“{sit.describe(m, case.answers)}”时："
            for message in _case_problems(m, case):
                if message not in reported:  # the same fault under many answers is reported once, with the first
                    reported.add(message)
                    yield doc.problem(("questions",), said + message, key=True)
            reached.update(_reached(m, case))
        for loc, when in _whens(m):
            if loc[0] != "questions" and loc[:-1] not in reached:
                yield doc.problem(loc, f"没有哪种回答会用到这一项（when: {sit.describe(m, when) or when}）；请检查选项，或删掉它", key=True)


def _has_bad_whens(m: Matter) -> bool:
    questions = {q.id: {o.id for o in q.options} for q in m.questions}
    return any(q not in questions or not set([v] if isinstance(v, str) else v) <= questions[q]
               for _, when in _whens(m) for q, v in when.items())


def _case_problems(m: Matter, case: sit.Case) -> Iterator[str]:
    for clash in case.clashes:
        yield f"{clash}；每种回答只能对应一条，请把 when 写得互不重叠"
    if not case.steps:
        yield "没有任何办理步骤"
    window, online = m.channels.window, m.channels.online
    if not window and not online:
        yield "既不能到窗口办，也不能网上办"
    legal, promised = case.time.legal, case.time.promised
    if not isinstance(legal, str) and promised.natural_days() > legal.natural_days():
        yield f"承诺时限（{promised}）超过了法定时限（{legal}）"
    if promised.most == 0 and m.handling_type is HandlingType.IMMEDIATE:
        for step in case.steps:
            if step.duration and step.duration.unit in (TimeUnit.WORKING_DAY, TimeUnit.NATURAL_DAY):
                yield f"是即办件（当场办结），却有要等 {step.duration} 的步骤“{step.title}”；请把这些回答的承诺时限写进 time_limits.variants，或改正步骤"
        for procedure in case.procedures:
            if not procedure.before:
                yield f"是即办件（当场办结），却要经过{procedure.kind}（{procedure.duration}）；请把这些回答的承诺时限写进 time_limits.variants"


def _reached(m: Matter, case: sit.Case) -> Iterator[Loc]:
    """Locations (of the items carrying `when`) that this case uses."""
    groups: tuple[tuple[Any, ...], ...] = (("conditions", m.conditions, case.conditions), ("materials", m.materials, case.materials),
              ("steps", m.steps, case.steps), ("fees", "items", m.fees.items, case.fees), ("faq", m.faq, case.faq),
              ("links", m.links, case.links), ("special_procedures", m.special_procedures, case.procedures))
    for group in groups:
        *path, items, chosen = group
        ids = {id(x) for x in chosen if x.when is not None}  # only items with a `when` can go unreached
        yield from ((*path, i) for i, x in enumerate(items) if id(x) in ids)
    varied: tuple[tuple[Loc, list[Any]], ...] = (
        (("time_limits", "variants"), m.time_limits.variants), (("result", "variants"), m.result.variants),
        (("channels", "window", "jurisdiction", "variants"), m.channels.window.jurisdiction.variants
         if m.channels.window and m.channels.window.jurisdiction else []))
    for where, variants in varied:
        yield from (where + (i,) for i, v in enumerate(variants) if sit.matches(v.when, case.answers))


def _example(doc: Document, m: Matter, i: int) -> Iterator[Problem]:
    """An example's expectations against the case its answers make: each difference one problem."""
    e = m.examples[i]
    case = sit.case_of(m, sit.answers_of(e.answers))
    want = e.expect
    said = f"例子“{e.name}”："
    names = {x.id: x.name for x in m.materials} | {c.id: c.text[:20] for c in m.conditions}

    def ids(expected: list[str] | None, actual: list[str], what: str, field: str) -> Iterator[Problem]:
        if expected is None or sorted(expected) == sorted(actual):
            return
        more = [f"{x}（{names.get(x, x)}）" for x in actual if x not in expected]
        less = [f"{x}（{names.get(x, x)}）" for x in expected if x not in actual]
        diff = "；".join(part for part in (f"多了 {'、'.join(more)}" if more else "", f"少了 {'、'.join(less)}" if less else "") if part)
        yield doc.problem(("examples", i, "expect", field), f"{said}{what}应为 {'、'.join(expected) or '（无）'}，实际是 {'、'.join(actual) or '（无）'}：{diff}")

    yield from ids(want.materials, [x.id for x in case.materials], "材料", "materials")
    yield from ids(want.conditions, [c.id for c in case.conditions], "受理条件", "conditions")
    if want.halls is not None:
        yield from ids(want.halls, list(case.halls or (m.channels.window.halls if m.channels.window else [])), "大厅", "halls")
    checks = (("where", want.where, str(case.where) if case.where else None, "办理地点规则"),
              ("promised", want.promised, str(case.time.promised), "承诺时限"),
              ("special", want.special, [p.name or str(p.kind) for p in case.procedures], "特别程序"),
              ("visits", want.visits, m.visits.count, "到现场次数"),
              ("charged", want.charged, m.fees.charged and bool(case.fees), "是否收费"),
              ("result", want.result, case.result.name, "办理结果"))
    for field, expected, actual, what in checks:
        if expected is not None and expected != actual:
            yield doc.problem(("examples", i, "expect", field), f"{said}{what}应为“{_shown(expected)}”，实际是“{_shown(actual)}”")


def _shown(value: Any) -> str:
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list):
        return "、".join(map(str, value)) or "无"
    return str(value)


def conditional_materials(p: Parsed) -> Iterator[Problem]:
    """A 按情形 material says when it is needed: by answers (`when`) or, in a matter without questions, in words."""
    for doc, m in p.matters.values():
        for i, x in enumerate(m.materials):
            if x.necessity is Necessity.CONDITIONAL and not x.condition and x.when is None:
                hint = "用 when 写明哪些回答需要它（例如 when: {biangeng: zhusuo}）" if m.questions else "用 condition 写明什么情形下需要"
                yield doc.problem(("materials", i), f"必要性为“按情形”的材料，要{hint}")
            if x.when is not None and x.necessity is not Necessity.CONDITIONAL:
                yield doc.problem(("materials", i, "necessity"), f"写了 when 的材料只在这些回答下需要，必要性应写“按情形”，现在是“{x.necessity}”")


CASE_RULES = (questions_and_whens, situations_and_examples, every_case, conditional_materials)
