"""Layout of the flowchart drawn from a matter's steps, so the chart and the step list cannot disagree.

Python computes boxes and arrows (numbers only); the template `partials/flowchart.svg.j2` draws them.
A step with logic 和 or 或 sits beside the step before it, in the same row.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..schema.matter import Step

BOX_W, BOX_H, GAP_X, GAP_Y, MARGIN = 200, 56, 24, 36, 8


@dataclass(frozen=True)
class Box:
    x: int
    y: int
    label: str
    number: str
    optional: bool


@dataclass(frozen=True)
class Row:
    boxes: list[Box]
    logic: str | None  # the word shown between boxes of the row


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    rows: list[Row]
    arrows: list[tuple[int, int, int, int]]
    box_w: int = BOX_W
    box_h: int = BOX_H


def step_numbers(steps: list[Step]) -> list[str]:
    """GOV.UK numbering: a step joined by 和/或 carries the word instead of a number."""
    numbers, n = [], 0
    for step in steps:
        if step.logic:
            numbers.append(step.logic.value)
        else:
            n += 1
            numbers.append(str(n))
    return numbers


def layout(steps: list[Step]) -> Chart:
    groups: list[list[tuple[Step, str]]] = []
    for step, number in zip(steps, step_numbers(steps)):
        if step.logic and groups:
            groups[-1].append((step, number))
        else:
            groups.append([(step, number)])
    widest = max(len(g) for g in groups)
    width = MARGIN * 2 + widest * BOX_W + (widest - 1) * GAP_X
    rows: list[Row] = []
    arrows: list[tuple[int, int, int, int]] = []
    for i, group in enumerate(groups):
        y = MARGIN + i * (BOX_H + GAP_Y)
        row_w = len(group) * BOX_W + (len(group) - 1) * GAP_X
        x0 = (width - row_w) // 2
        boxes = [Box(x0 + j * (BOX_W + GAP_X), y, s.title, n, s.optional) for j, (s, n) in enumerate(group)]
        logic = next((s.logic.value for s, _ in group if s.logic), None)
        rows.append(Row(boxes, logic))
        if i:
            mid = width // 2
            arrows.append((mid, y - GAP_Y + 2, mid, y - 2))
    height = MARGIN * 2 + len(groups) * BOX_H + (len(groups) - 1) * GAP_Y
    return Chart(width, height, rows, arrows)


__all__ = ["Chart", "layout", "step_numbers"]
