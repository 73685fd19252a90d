"""Keeping an index in step with the content: a cheap fingerprint of the content files, and rebuilding the index
when it is missing, made by another version of this package, or out of date."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from ...model import Audience, load_catalogue
from ...schema import CONTENT_TYPES
from ...settings import load_settings
from ..analyzer import SYNONYMS_FILE
from .index import CURRENT, FORMAT, StaffIndex, build_index


def content_fingerprint(root: Path) -> str:
    """Changes whenever a content file, the registry, site.yaml or the synonym file changes (name, size or mtime):
    cheap enough to poll, so a server can rebuild when editors save."""
    paths = [root / "site.yaml", root / "registry" / "codes.yaml", SYNONYMS_FILE]
    for ctype in CONTENT_TYPES:
        folder = root / ctype.folder
        if folder.is_dir():
            paths.extend(sorted(folder.glob("*.yaml")))
    h = hashlib.sha256()
    for p in paths:
        try:
            st = p.stat()
        except FileNotFoundError:
            continue
        h.update(f"{p}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
    return h.hexdigest()[:16]


def default_directory(root: Path, audience: Audience) -> Path:
    """`.site-search/<audience>` in the content repository (ignored by git like the other build outputs)."""
    return root / ".site-search" / audience.value


def rebuild(root: Path, directory: Path, audience: Audience) -> Path:
    """Validate the content and index it as a new version (ContentError, and no swap, when content is invalid)."""
    fingerprint = content_fingerprint(root)
    return build_index(load_catalogue(root), load_settings(root), directory, audience, fingerprint)


def ensure_index(root: Path, directory: Path, audience: Audience, force: bool = False) -> StaffIndex:
    """The index for `root`, rebuilt first when missing, made by another version of this package, out of date with
    the content, or `force`d."""
    index = StaffIndex(directory)
    if force or current_fingerprint(directory) != content_fingerprint(root):
        rebuild(root, directory, audience)
    return index


def current_fingerprint(directory: Path) -> str | None:
    """The content fingerprint the current version was built from, read from disk (a server's loaded version may
    lag behind a swap); None for a missing index or one made by another version of this package."""
    try:
        meta = json.loads((directory / CURRENT / "meta.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return meta["fingerprint"] if meta.get("format") == FORMAT else None
