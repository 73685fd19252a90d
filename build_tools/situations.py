"""What applies to whom: a matter's questions, the answers people give, and the case (情形) those answers make.

One set of rules for every reader: the validator enumerates every combination of answers and checks each case,
the matter page's 你的情况 form shows the cases the build computed here (the browser only looks them up), and the
exports, booklets and staff notice list the same cases. A matter without questions has one case, everyone's.

Answers: for each question asked, the chosen options (one, or for a multiple-choice question one or more). A
question whose `ask_if` the earlier answers do not meet is not asked, and anything whose `when` names it does not
apply. `when` holds when every question it names was answered with one of the options it lists.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from .schema.common import UNSTATED, Duration
from .schema.matter import (
    Condition,
    Delivery,
    Faq,
    FeeItem,
    Material,
    Matter,
    MatterLink,
    Necessity,
    ResultType,
    SpecialProcedure,
    Step,
    Where,
)
from .schema.situations import Question, Situation

#: Enumerating every combination is what makes the checks complete; past this many a matter must be split.
MAX_COMBINATIONS = 4096

Answers = Mapping[str, frozenset[str]]
_T = TypeVar("_T")


def answers_of(raw: Mapping[str, str | list[str]]) -> dict[str, frozenset[str]]:
    """Answers as editors write them ({huji: liudong, biangeng: [zhusuo, jianshi]}) as sets."""
    return {q: frozenset([v] if isinstance(v, str) else v) for q, v in raw.items()}


def matches(when: Mapping[str, str | list[str]] | None, answers: Answers) -> bool:
    if when is None:
        return True
    return all(answers.get(q, frozenset()) & ({wanted} if isinstance(wanted, str) else set(wanted)) for q, wanted in when.items())


def asked(question: Question, answers: Answers) -> bool:
    return matches(question.ask_if, answers)


def applying(items: Sequence[_T], answers: Answers) -> tuple[_T, ...]:
    return tuple(item for item in items if matches(getattr(item, "when", None), answers))


def combinations(matter: Matter) -> Iterator[dict[str, frozenset[str]]]:
    """Every set of answers one can give, in question and option order (validation keeps the count in bounds)."""

    def choices(q: Question) -> list[frozenset[str]]:
        ids = [o.id for o in q.options]
        if not q.multiple:
            return [frozenset([i]) for i in ids]
        return [frozenset(c) for n in range(1, len(ids) + 1) for c in itertools.combinations(ids, n)]

    def walk(i: int, given: dict[str, frozenset[str]]) -> Iterator[dict[str, frozenset[str]]]:
        if i == len(matter.questions):
            yield dict(given)
            return
        q = matter.questions[i]
        if not asked(q, given):
            yield from walk(i + 1, given)
            return
        for choice in choices(q):
            given[q.id] = choice
            yield from walk(i + 1, given)
        del given[q.id]

    yield from walk(0, {})


def count_combinations(matter: Matter) -> int:
    """An upper bound that needs no enumeration (ask_if ignored), to refuse a matter that asks too much."""
    total = 1
    for q in matter.questions:
        total *= (2 ** len(q.options) - 1) if q.multiple else len(q.options)
    return total


def key(matter: Matter, answers: Answers) -> str:
    """The answers as the page's address writes them: `huji=liudong;biangeng=zhusuo+jianshi`, in question and
    option order (the browser builds the same string from the form)."""
    parts = []
    for q in matter.questions:
        chosen = answers.get(q.id)
        if chosen:
            parts.append(f"{q.id}=" + "+".join(o.id for o in q.options if o.id in chosen))
    return ";".join(parts)


def describe(matter: Matter, answers: Mapping[str, str | list[str] | frozenset[str]], any_of: bool = False) -> str:
    """The answers in words, for messages and labels: 户籍=流动人口、孩次=再生育 → "双方都不是本市户籍；再生育".
    With `any_of` (a `when`), several options of one question read as alternatives: "公司名称、住所（任一）"."""
    parts = []
    for q in matter.questions:
        given = answers.get(q.id)
        if given:
            chosen = {given} if isinstance(given, str) else set(given)
            words = "、".join(o.label for o in q.options if o.id in chosen)
            parts.append(words + ("（任一）" if any_of and len(chosen) > 1 else ""))
    return "；".join(parts)


@dataclass(frozen=True)
class Time:
    promised: Duration
    legal: Duration | str  # or 未说明
    note: str | None


@dataclass(frozen=True)
class Outcome:
    name: str
    type: ResultType
    delivery: tuple[Delivery, ...]
    available: Duration | None


@dataclass(frozen=True)
class Case:
    """Everything a matter asks of, and promises to, the people who gave `answers`."""

    answers: Mapping[str, frozenset[str]]
    conditions: tuple[Condition, ...]
    materials: tuple[Material, ...]
    steps: tuple[Step, ...]
    fees: tuple[FeeItem, ...]
    faq: tuple[Faq, ...]
    links: tuple[MatterLink, ...]
    procedures: tuple[SpecialProcedure, ...]
    time: Time
    result: Outcome
    where: Where | None
    #: The halls these answers may go to, when a variant says only some of the matter's halls take them; None: all.
    halls: tuple[str, ...] | None
    #: Variants of one fact that several apply here (time limit, result, where): each a contradiction to report.
    clashes: tuple[str, ...] = ()


def case_of(matter: Matter, answers: Answers) -> Case:
    """The case of `answers`. With no answers (or no questions) only what applies to everyone is in it; see
    `everything` for the 全部情形 view."""
    clashes = []
    time_variants = [v for v in matter.time_limits.variants if matches(v.when, answers)]
    result_variants = [v for v in matter.result.variants if matches(v.when, answers)]
    jurisdiction = matter.channels.window.jurisdiction if matter.channels.window else None
    where_variants = [v for v in jurisdiction.variants if matches(v.when, answers)] if jurisdiction else []
    for name, found in (("承诺时限", time_variants), ("办理结果", result_variants), ("办理地点规则", where_variants)):
        if len(found) > 1:
            clashes.append(f"{name}有 {len(found)} 条同时适用")
    tv = time_variants[0] if time_variants else None
    rv = result_variants[0] if result_variants else None
    time = Time(tv.promised, tv.legal or matter.time_limits.legal, tv.note) if tv else \
        Time(matter.time_limits.promised, matter.time_limits.legal, None)
    r = matter.result
    result = Outcome(rv.name, rv.type or r.type, tuple(rv.delivery or r.delivery), rv.available or r.available) if rv else \
        Outcome(r.name, r.type, tuple(r.delivery), r.available)
    return Case(answers, applying(matter.conditions, answers), applying(matter.materials, answers),
                applying(matter.steps, answers), applying(matter.fees.items, answers), applying(matter.faq, answers),
                applying(matter.links, answers), applying(matter.special_procedures, answers), time, result,
                where_variants[0].rule if where_variants else jurisdiction.rule if jurisdiction else None,
                tuple(where_variants[0].halls) if where_variants and where_variants[0].halls else None, tuple(clashes))


def everything(matter: Matter) -> Case:
    """Every item whatever the answers: the 全部情形 view, and the page without JavaScript."""
    base = case_of(matter, {})
    m = matter
    return Case({}, tuple(m.conditions), tuple(m.materials), tuple(m.steps), tuple(m.fees.items), tuple(m.faq),
                tuple(m.links), tuple(m.special_procedures), base.time, base.result, base.where, None)


def cases(matter: Matter) -> list[Case]:
    """The case of every combination of answers (one, everyone's, for a matter without questions)."""
    return [case_of(matter, a) for a in combinations(matter)]


def situation_case(matter: Matter, situation: Situation) -> Case:
    """The case of a named situation, as every output that lists situations shows it."""
    return case_of(matter, situation_answers(situation))


def situation_answers(situation: Situation) -> dict[str, frozenset[str]]:
    return answers_of(situation.answers)


# --- what a case adds up to -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Counts:
    """What the answer box says under 带什么: items to bring, originals and copies (None: a count the source does
    not state), exempt items, and conditional items whose need the questions do not decide."""

    items: int
    originals: int | None
    copies: int | None
    exempt: int
    conditional: int


def counts(case: Case, decided: bool) -> Counts:
    """With `decided` (a case of answers), a 按情形 material whose `when` holds is needed; one decided by free text
    only stays conditional. Without (the 全部情形 view), every 按情形 material is conditional, as before."""
    brought, conditional = [], 0
    for x in case.materials:
        if x.exempt:
            continue
        if x.necessity is Necessity.CONDITIONAL and not (decided and x.when is not None):
            conditional += 1
            continue
        brought.append(x)
    return Counts(len(brought), _total(brought, "originals"), _total(brought, "copies"),
                  sum(1 for x in case.materials if x.exempt), conditional)


def people(x: Material) -> int:
    return len(x.for_each) or 1


def _total(materials: list[Material], field: str) -> int | None:
    values: list[Any] = [getattr(x, field) for x in materials]  # counts, or UNSTATED
    if UNSTATED in values:
        return None
    total: int = sum(v * people(x) for v, x in zip(values, materials))
    return total


def waiting(case: Case) -> list[SpecialProcedure]:
    """The special procedures of a case that its time limit does not count."""
    return [p for p in case.procedures if not p.counted]
