"""The citizen search index: Pagefind run over the built site.

Only pages marked `data-pagefind-body` (matters, guides, halls, departments, public SOPs) are indexed; tombstones
and index pages are not, so a cancelled matter never shows up as a result.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


class SearchIndexError(RuntimeError):
    """Pagefind failed; its output says why."""


def index_site(site: Path) -> None:
    proc = subprocess.run([sys.executable, "-m", "pagefind", "--site", str(site), "--force-language", "zh", "--quiet"],
                          capture_output=True, text=True)
    if proc.returncode != 0:
        raise SearchIndexError(proc.stderr.strip() or proc.stdout.strip())
