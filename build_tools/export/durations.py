"""Time limits as ISO 8601 durations, for CPSV-AP `processingTime` and schema.org `processingTime`.

A leaf module on purpose: the render stage imports the page JSON-LD, which needs this, and the exports import
the render stage's text helpers; keeping this apart keeps that import chain free of cycles.
"""

from __future__ import annotations

from ..schema.common import Duration, TimeUnit


def iso_duration(d: Duration) -> str:
    """ISO 8601 has no working days: 工作日 are given as days (P5D), the figure the guide itself promises."""
    if d.value == 0:
        return "PT0S"
    return {TimeUnit.WORKING_DAY: f"P{d.value}D", TimeUnit.NATURAL_DAY: f"P{d.value}D",
            TimeUnit.HOUR: f"PT{d.value}H", TimeUnit.MINUTE: f"PT{d.value}M"}[d.unit]
