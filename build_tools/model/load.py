"""The model stage's entry point: a content tree in, its validated and resolved catalogue out (or every problem)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ..load import FileCache
from ..load.gitdates import git_file_dates
from ..problems import ContentError
from ..validate import validate_tree
from .catalogue import Catalogue, build_catalogue


def load_catalogue(root: Path, today: dt.date | None = None, cache: FileCache | None = None) -> Catalogue:
    """Validate `root` and resolve it; raises ContentError with every problem if the content is not valid."""
    result = validate_tree(root, today, cache)
    if not result.ok:
        raise ContentError(result.errors)
    return build_catalogue(result.parsed, git_file_dates(root))
