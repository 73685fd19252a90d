"""What the compiler and the hooks MkDocs calls (hooks.py) agree on: where the docs folder of an audience is, and
the environment variables a release build starts MkDocs with.

Kept apart so the hooks can read them without importing the compiler: in a release build MkDocs' process lays
out a few pages and would otherwise spend half a second importing modules it never runs."""

from __future__ import annotations

from pathlib import Path

#: The audience to build ("public" or "staff"; public if unset).
ENV_AUDIENCE = "BAIKE_AUDIENCE"
#: Set by a release build, which has generated the docs folder already and pours the shell pages itself.
ENV_PREGENERATED = "BAIKE_PREGENERATED"


def docs_dir(root: Path, audience: str) -> Path:
    """MkDocs' docs folder for one audience ("public" or "staff")."""
    return root / "generated" / audience
