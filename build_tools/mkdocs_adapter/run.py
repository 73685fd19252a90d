"""`mkdocs build` of a docs folder the compiler generated, in a process of its own: started at once, waited for
later, while the build's workers make the rest."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from .contract import ENV_AUDIENCE, ENV_PREGENERATED


class MkDocsError(RuntimeError):
    """MkDocs failed; its own output says why."""


class MkDocsBuild:
    def __init__(self, root: Path, audience: str, site: Path):
        env = {**os.environ, ENV_AUDIENCE: audience, ENV_PREGENERATED: "1", "NO_MKDOCS_2_WARNING": "1"}
        self.started = time.perf_counter()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "build_tools.mkdocs_adapter.child", str(os.getpid()),
             "build", "--quiet", "-f", str(root / "mkdocs.yml"), "-d", str(site)],
            cwd=root, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    def wait(self) -> float:
        """Seconds MkDocs ran; raises MkDocsError with its own output if it failed."""
        out, err = self.proc.communicate()
        if self.proc.returncode != 0:
            raise MkDocsError(err.strip() or out.strip())
        return time.perf_counter() - self.started

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
