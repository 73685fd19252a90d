"""办理情形: the checks validate makes of questions, `when`, situations and examples (exact `path:line:col: message`),
and property tests of the engine that enumerates cases (build_tools/situations.py)."""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from build_tools import situations as sit
from build_tools.model import load_catalogue
from build_tools.schema import Matter

from .conftest import REPO, SMALL_MATTER, SMALL_MATTER_PATH, ContentTree, pos, replace_once

S = SMALL_MATTER_PATH

#: Two questions: who applies, and (asked only of a proxy) whether the proxy has a notarised authorisation.
QUESTIONS = """\
questions:
  - id: who
    text: 谁来办？
    options:
      - {id: self, label: 企业法定代表人本人}
      - {id: proxy, label: 委托他人代办}
  - id: paper
    text: 委托书经过公证吗？
    ask_if: {who: proxy}
    options:
      - {id: yes, label: 经过公证}
      - {id: no, label: 没有公证}
situations:
  - {id: daiban, name: 委托代办, answers: {who: proxy, paper: no}}
examples:
  - name: 本人来办
    answers: {who: self}
    expect:
      materials: [m1, m2]
"""
PROXY_MATERIAL = """\
  - id: m3
    name: 授权委托书
    necessity: 按情形
    when: {who: proxy}
    originals: 1
    copies: 0
    form: [纸质]
    source: 申请人自备
"""


def with_cases(extra_material: str = PROXY_MATERIAL, questions: str = QUESTIONS) -> str:
    text = replace_once(SMALL_MATTER, "codes:\n", questions + "codes:\n")
    return replace_once(text, "review_standard:", extra_material + "review_standard:")


def at(text: str, needle: str, nth: int = 1) -> str:
    line, col = pos(text, needle, nth)
    return f"{S}:{line}:{col}: "


def test_a_matter_with_questions_validates(content_tree: ContentTree):
    content_tree.write(S, with_cases())
    assert content_tree.problems() == []


def test_when_names_a_question_that_does_not_exist(content_tree: ContentTree):
    text = content_tree.write(S, with_cases(PROXY_MATERIAL.replace("when: {who: proxy}", "when: {whom: proxy}")))
    assert at(text, "whom") + "没有编号为“whom”的问题；可以写：who、paper" in content_tree.problems(S)


def test_when_names_an_option_that_does_not_exist(content_tree: ContentTree):
    text = content_tree.write(S, with_cases(PROXY_MATERIAL.replace("when: {who: proxy}", "when: {who: daili}")))
    assert at(text, "daili") + "问题“谁来办？”没有选项“daili”；可以写：self、proxy" in content_tree.problems(S)


def test_ask_if_may_only_look_at_earlier_questions(content_tree: ContentTree):
    questions = QUESTIONS.replace("ask_if: {who: proxy}", "ask_if: {paper: yes}").replace("answers: {who: proxy, paper: no}", "answers: {who: proxy}")
    text = content_tree.write(S, with_cases(questions=questions))
    assert at(text, "paper: yes") + "没有编号为“paper”的前面的问题；可以写：who" in content_tree.problems(S)


def test_a_situation_answers_every_question_it_reaches(content_tree: ContentTree):
    text = content_tree.write(S, with_cases(questions=QUESTIONS.replace("answers: {who: proxy, paper: no}", "answers: {who: proxy}")))
    assert at(text, "{who: proxy}}") + "情形“委托代办”没有回答问题“委托书经过公证吗？”；请在 answers 里加上 paper: 选项之一（yes、no）" in content_tree.problems(S)


def test_a_situation_does_not_answer_a_question_it_does_not_reach(content_tree: ContentTree):
    text = content_tree.write(S, with_cases(questions=QUESTIONS.replace("answers: {who: proxy, paper: no}", "answers: {who: self, paper: no}")))
    assert at(text, "paper: no}}") + "按情形“委托代办”的其他回答，不会问“委托书经过公证吗？”；请删掉这一项" in content_tree.problems(S)


def test_an_example_that_no_longer_holds_names_the_difference(content_tree: ContentTree):
    questions = QUESTIONS.replace("answers: {who: self}", "answers: {who: proxy, paper: yes}")
    text = content_tree.write(S, with_cases(questions=questions))
    assert content_tree.problems(S) == [at(text, "[m1, m2]") +
                                        "例子“本人来办”：材料应为 m1、m2，实际是 m1、m2、m3：多了 m3（授权委托书）"]


def test_variants_that_overlap_are_a_contradiction_named_by_its_answers(content_tree: ContentTree):
    variants = """\
time_limits:
  variants:
    - {when: {who: proxy}, promised: {value: 0, unit: 工作日}}
    - {when: {paper: no}, promised: {value: 0, unit: 工作日}}
"""
    text = with_cases().replace("time_limits:\n", variants, 1)
    text = content_tree.write(S, text)
    assert at(text, "questions") + "回答“委托他人代办；没有公证”时：承诺时限有 2 条同时适用；每种回答只能对应一条，请把 when 写得互不重叠" in content_tree.problems(S)


def test_an_item_no_answers_reach_is_reported(content_tree: ContentTree):
    text = content_tree.write(S, with_cases(PROXY_MATERIAL.replace("when: {who: proxy}", "when: {who: self, paper: yes}")))
    assert at(text, "when: {who: self") + "没有哪种回答会用到这一项（when: 企业法定代表人本人；经过公证）；请检查选项，或删掉它" in content_tree.problems(S)


def test_an_immediate_case_has_no_waiting(content_tree: ContentTree):
    wait = """\
  - title: 等待公证处出具公证书
    text: 代办的，先到公证处办理委托书公证。
    duration: {value: 3, unit: 工作日}
    when: {paper: yes}
time_limits:"""
    text = content_tree.write(S, with_cases().replace("time_limits:", wait, 1))
    assert at(text, "questions") + "回答“委托他人代办；经过公证”时：是即办件（当场办结），却有要等 3 个工作日 的步骤“等待公证处出具公证书”；请把这些回答的承诺时限写进 time_limits.variants，或改正步骤" in content_tree.problems(S)


def test_when_without_questions_is_refused(content_tree: ContentTree):
    text = content_tree.write(S, replace_once(SMALL_MATTER, "review_standard:", PROXY_MATERIAL + "review_standard:"))
    assert at(text, "when") + "写了 when，但这个事项没有问题（questions）；请先在 questions 里写出要问的问题" in content_tree.problems(S)


def test_too_many_combinations_are_refused(content_tree: ContentTree):
    options = "\n".join(f"      - {{id: o{i}, label: 选项{i}}}" for i in range(12))
    many = f"""\
questions:
  - id: a
    text: 第一个问题？
    multiple: true
    options:
{options}
  - id: b
    text: 第二个问题？
    options:
      - {{id: x, label: 是}}
      - {{id: y, label: 否}}
"""
    text = content_tree.write(S, replace_once(SMALL_MATTER, "codes:\n", many + "codes:\n"))
    assert at(text, "questions:") + \
        f"问题的回答组合超过 {sit.MAX_COMBINATIONS} 种，无法逐一核对；请减少问题或选项，或把事项拆成几个业务办理项" in content_tree.problems(S)


# --- the engine --------------------------------------------------------------------------------------------------


@st.composite
def matters(draw) -> Matter:
    """A small random matter with questions: some multiple-choice, some asked only for an earlier answer."""
    n = draw(st.integers(1, 3))
    questions = []
    for i in range(n):
        options = [{"id": f"q{i}o{j}", "label": f"选项{j}"} for j in range(draw(st.integers(2, 4)))]
        question = {"id": f"q{i}", "text": f"问题{i}？", "multiple": draw(st.booleans()), "options": options}
        if i and draw(st.booleans()):
            earlier = questions[draw(st.integers(0, i - 1))]
            question["ask_if"] = {earlier["id"]: draw(st.sampled_from([o["id"] for o in earlier["options"]]))}
        questions.append(question)
    return Matter.model_validate({**_small_data(), "questions": questions})


def _small_data() -> dict:
    import yaml

    return yaml.safe_load(SMALL_MATTER.replace("09:00", "'09:00'"))


def _all_answer_sets(m: Matter):
    """Every way to tick the form's boxes, made into answers by the rules (for comparison with `combinations`)."""
    per_question = []
    for q in m.questions:
        ids = [o.id for o in q.options]
        sets = [frozenset(c) for k in range(1, len(ids) + 1) for c in itertools.combinations(ids, k)] if q.multiple else [frozenset([i]) for i in ids]
        per_question.append(sets)
    for choice in itertools.product(*per_question):
        answers: dict[str, frozenset[str]] = {}
        for q, chosen in zip(m.questions, choice):
            if sit.asked(q, answers):
                answers[q.id] = chosen
        yield answers


@settings(max_examples=60, deadline=None)
@given(matters())
def test_combinations_are_every_answer_set_once(m: Matter):
    enumerated = [sit.key(m, a) for a in sit.combinations(m)]
    assert len(enumerated) == len(set(enumerated))
    assert set(enumerated) == {sit.key(m, a) for a in _all_answer_sets(m)}
    assert len(enumerated) <= sit.count_combinations(m)


@settings(max_examples=100, deadline=None)
@given(st.dictionaries(st.sampled_from("abc"), st.lists(st.sampled_from("xyz"), min_size=1, max_size=3), max_size=3),
       st.dictionaries(st.sampled_from("abc"), st.frozensets(st.sampled_from("xyz"), min_size=1), max_size=3))
def test_when_holds_when_every_question_it_names_has_one_of_its_options(when, answers):
    expected = all(q in answers and set(v) & answers[q] for q, v in when.items())
    assert sit.matches(when, answers) is expected


def test_a_where_variant_can_name_the_only_halls_those_answers_may_go_to():
    """社会保障卡申领: the card printed on the spot only at the 人社大厅; by post, at any of the 16 halls."""
    m = load_catalogue(REPO).matters["shehui-baozhang-ka-shenling"]
    on_the_spot = sit.case_of(m, sit.answers_of({"shenlingren": "chengnian", "lingka": "jishi"}))
    by_post = sit.case_of(m, sit.answers_of({"shenlingren": "chengnian", "lingka": "youji"}))
    assert on_the_spot.halls == ("hrss-hall",) and by_post.halls is None and len(m.channels.window.halls) == 16
