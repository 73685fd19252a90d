"""What the compiler and the renderer's hook (mkdocs_hooks.py) agree on: where the docs folder of an audience is,
and the environment variables a release build starts the renderer with.

Kept apart from publish.py so the hook can read them without importing the compiler: in a release build the
renderer's process lays out a few pages and would otherwise spend half a second importing modules it never runs."""

from __future__ import annotations

from pathlib import Path

#: The audience to build ("public" or "staff"; public if unset).
ENV_AUDIENCE = "BAIKE_AUDIENCE"
#: Set by a release build, which has generated the docs folder already and pours the shell pages itself.
ENV_PREGENERATED = "BAIKE_PREGENERATED"


def docs_dir(root: Path, audience: str) -> Path:
    """The renderer's docs folder for one audience ("public" or "staff")."""
    return root / "generated" / audience
