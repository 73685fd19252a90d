"""Helpers shared by the end-to-end tests: copy the project to a temporary folder and build it there, so
tests never touch the working tree and can run in parallel."""

from __future__ import annotations

import shutil
from pathlib import Path

from build_tools.model import Audience
from build_tools.publish import build

REPO = Path(__file__).resolve().parent.parent
PROJECT_FILES = ("site.yaml", "mkdocs.yml")
PROJECT_DIRS = ("matters", "sop", "guides", "halls", "departments", "registry", "content-style", "theme", "generated")


def copy_project(dest: Path) -> Path:
    """A private copy of the content and renderer config, with build_tools linked in (the MkDocs hook
    is loaded from the copy's own folder)."""
    dest.mkdir(parents=True, exist_ok=True)
    for name in PROJECT_FILES:
        shutil.copy2(REPO / name, dest / name)
    for name in PROJECT_DIRS:
        if (REPO / name).is_dir():
            shutil.copytree(REPO / name, dest / name, ignore=shutil.ignore_patterns("public", "staff"))
    (dest / "build_tools").symlink_to(REPO / "build_tools")
    return dest


def build_copy(dest: Path, audience: Audience = Audience.PUBLIC) -> Path:
    root = copy_project(dest)
    out = root / ("site" if audience is Audience.PUBLIC else "site-staff")
    build(root, audience, out)
    return out
