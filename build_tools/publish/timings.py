"""Seconds per stage of a build, and the progress lines long builds print while they run."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Timings:
    """Stages may overlap (workers and MkDocs run beside this process, and a worker's stage is the time it spent on
    it), so the total is wall time from the first stage, not the sum."""

    stages: dict[str, float] = field(default_factory=dict)
    started: float = field(default_factory=time.perf_counter)
    report: Callable[[str], None] | None = None  # progress lines for long builds (the CLI prints them)

    def say(self, message: str) -> None:
        if self.report:
            self.report(f"[{time.perf_counter() - self.started:6.1f} 秒] {message}")

    def run(self, name: str, fn: Callable[..., Any], *args: Any) -> Any:
        self.say(name)
        start = time.perf_counter()
        try:
            return fn(*args)
        finally:
            self.add(name, time.perf_counter() - start)

    def add(self, name: str, seconds: float) -> None:
        self.stages[name] = self.stages.get(name, 0.0) + seconds

    def summary(self) -> str:
        total = time.perf_counter() - self.started
        parts = "，".join(f"{k} {v:.2f} 秒" for k, v in self.stages.items())
        return f"用时 {total:.2f} 秒（{parts}）"
