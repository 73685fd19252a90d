"""The browser and the build agree on cases: the page's script (theme/assets/cases.js, run in Node) turns random
ticked boxes into the same answers, asks the same questions and finds the same case as build_tools/situations.py
does, on random matters."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from build_tools import situations as sit
from build_tools.render.cases import case_view

from .conftest import REPO
from .test_cases import matters

SCRIPT = REPO / "theme" / "assets" / "cases.js"
NODE = shutil.which("node")
RUNNER = """
const cases = require(process.argv[1]);
const input = JSON.parse(require("fs").readFileSync(0, "utf8"));
const out = input.states.map(state => {
  const given = cases.answersOf(input.table, q => state[q] || []);
  return {answers: given.answers, asked: given.asked, complete: given.complete,
          key: cases.key(input.table, given.answers), found: given.complete ? cases.lookup(input.table, given.answers) : null};
});
process.stdout.write(JSON.stringify(out));
"""

pytestmark = pytest.mark.skipif(NODE is None, reason="node is not installed")


def _python(m, state: dict[str, list[str]]) -> dict:
    """What the build says the ticked boxes mean: questions asked in order, the options ticked of each (one for a
    single-choice question: the first in option order, as a radio group allows only one)."""
    answers: dict[str, frozenset[str]] = {}
    asked = []
    for q in m.questions:
        if not sit.asked(q, answers):
            continue
        asked.append(q.id)
        ticked = [o.id for o in q.options if o.id in state.get(q.id, [])]
        if ticked:
            answers[q.id] = frozenset(ticked if q.multiple else ticked[:1])
    return {"answers": answers, "asked": asked, "complete": all(q in answers for q in asked)}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(matters(), st.data())
def test_the_script_finds_the_case_the_build_computed(m, data):
    table = case_view(m).table
    states = [data.draw(st.fixed_dictionaries({}, optional={q.id: st.lists(st.sampled_from([o.id for o in q.options]), unique=True)
                                                             for q in m.questions}))
              for _ in range(8)]
    states += [{q: sorted(v) for q, v in a.items()} for a in sit.combinations(m)][:20]
    run = subprocess.run([NODE, "-e", RUNNER, str(SCRIPT)], input=json.dumps({"table": table, "states": states}),
                         capture_output=True, text=True, check=True, timeout=30)
    for state, js in zip(states, json.loads(run.stdout)):
        expected = _python(m, state)
        assert js["asked"] == expected["asked"]
        assert {q: frozenset(v) for q, v in js["answers"].items()} == expected["answers"]
        assert js["complete"] == expected["complete"]
        assert js["key"] == sit.key(m, expected["answers"])
        if expected["complete"]:
            assert js["found"] == table["cases"][sit.key(m, expected["answers"])], "every complete answer set has its case"
