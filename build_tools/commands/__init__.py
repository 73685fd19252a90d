"""One module per CLI verb, each with `add_arguments(parser)` and `run(args) -> exit status`."""

from __future__ import annotations

from pathlib import Path

from ..model import Catalogue, load_catalogue
from ..problems import ContentError


def catalogue_or_problems(root: Path) -> Catalogue | None:
    """The validated catalogue, or None after printing every problem (for verbs that need valid content)."""
    try:
        return load_catalogue(root)
    except ContentError as err:
        for problem in err.problems:
            print(problem)
        return None
