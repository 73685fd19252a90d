"""Publish stage: run the pipeline end to end and put the result in place only if every step succeeded.

    validate -> catalogue -> audience view -> render (docs folder) -> renderer (MkDocs) -> by-products
    -> atomic swap of the output folder

A failed build raises and leaves the previously published site untouched, byte for byte.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from .booklet import booklet_files
from .export import export_files
from .load.gitdates import git_file_dates
from .model import Audience, Catalogue, build_catalogue, view
from .problems import ContentError
from .qr.files import short_link_files
from .render import make_environment, render_site, write_tree
from .search.citizen import index_site
from .settings import Settings, load_settings
from .stats import statistics_files
from .validate import validate_tree

#: Environment variables the MkDocs hook reads (the hook is the only code that knows MkDocs).
ENV_AUDIENCE = "BAIKE_AUDIENCE"
ENV_PREGENERATED = "BAIKE_PREGENERATED"


@dataclass
class Timings:
    """Seconds per stage, printed as a summary after long builds."""

    stages: dict[str, float] = field(default_factory=dict)

    def run(self, name: str, fn, *args, **kwargs):
        start = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            self.stages[name] = self.stages.get(name, 0.0) + time.perf_counter() - start

    def summary(self) -> str:
        total = sum(self.stages.values())
        parts = "，".join(f"{k} {v:.2f} 秒" for k, v in self.stages.items())
        return f"用时 {total:.2f} 秒（{parts}）"


def docs_dir(root: Path, audience: Audience) -> Path:
    return root / "generated" / audience.value


def load_catalogue(root: Path, today: dt.date | None = None) -> Catalogue:
    result = validate_tree(root, today)
    if not result.ok:
        raise ContentError(result.problems)
    return build_catalogue(result.parsed, git_file_dates(root))


def generate_sources(root: Path, audience: Audience, timings: Timings | None = None) -> tuple[Settings, list[str]]:
    """Validate and render the docs folder for one audience; return what changed."""
    timings = timings or Timings()
    settings = load_settings(root)
    catalogue = timings.run("校验", load_catalogue, root)
    visible = view(catalogue, audience)
    files = timings.run("生成页面", render_site, visible, settings, audience)
    files.update(timings.run("二维码和短链接", short_link_files, visible, settings, make_environment()))
    files.update(timings.run("统计", statistics_files, visible))
    files.update(timings.run("导出", export_files, visible, settings))
    changed = timings.run("写入", write_tree, files, docs_dir(root, audience))
    return settings, changed


def build(root: Path, audience: Audience, out: Path, timings: Timings | None = None, booklets: bool = False) -> Timings:
    """Full build into `out`, replacing it only on success; with `booklets`, also every hall's booklet PDF."""
    timings = timings or Timings()
    generate_sources(root, audience, timings)
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}-new-", dir=out.parent))
    try:
        timings.run("MkDocs", _run_mkdocs, root, audience, staging)
        timings.run("搜索索引", index_site, staging)
        if booklets:
            timings.run("口袋书", _write_booklets, root, staging)
        _swap(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return timings


def _write_booklets(root: Path, site: Path) -> None:
    """Hall booklets (PDF) are made by release builds only: seconds per hall, too slow for `mkdocs serve`."""
    for rel, data in booklet_files(root, load_catalogue(root), load_settings(root)).items():
        (site / rel).parent.mkdir(parents=True, exist_ok=True)
        (site / rel).write_bytes(data)


def _run_mkdocs(root: Path, audience: Audience, site: Path) -> None:
    env = {**os.environ, ENV_AUDIENCE: audience.value, ENV_PREGENERATED: "1", "NO_MKDOCS_2_WARNING": "1"}
    proc = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--quiet", "-f", str(root / "mkdocs.yml"), "-d", str(site)],
                          cwd=root, env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        raise RendererError(proc.stderr.strip() or proc.stdout.strip())


class RendererError(RuntimeError):
    """The static-site renderer failed; its own output says why."""


def _swap(new: Path, out: Path) -> None:
    """Replace `out` with `new` using renames only, so readers never see a half-written site."""
    old = None
    if out.exists():
        old = out.with_name(f".{out.name}-old-{os.getpid()}")
        out.rename(old)
    new.rename(out)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


__all__ = ["build", "generate_sources", "load_catalogue", "docs_dir", "Timings", "RendererError", "ENV_AUDIENCE", "ENV_PREGENERATED"]
