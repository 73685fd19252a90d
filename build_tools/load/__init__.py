"""Load stage: content folders -> Documents that remember file, line and column of every value."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..problems import Problem
from ..schema import CONTENT_TYPES, ContentType
from .yamlpos import Document, decode, load_text

__all__ = ["Document", "LoadResult", "load_tree", "load_file"]


@dataclass
class LoadResult:
    documents: dict[str, list[tuple[Document, ContentType]]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def all(self):
        for docs in self.documents.values():
            yield from docs


def load_file(root: Path, path: Path) -> tuple[Document | None, list[Problem]]:
    rel = path.relative_to(root).as_posix()
    text, problem = decode(rel, path.read_bytes())
    if problem:
        return None, [problem]
    return load_text(rel, text)


def load_tree(root: Path) -> LoadResult:
    """Every `*.yaml` file in the content folders under `root`; every problem, not just the first."""
    result = LoadResult()
    for ctype in CONTENT_TYPES:
        folder = root / ctype.folder
        docs = result.documents.setdefault(ctype.name, [])
        if not folder.is_dir():
            continue
        for path in sorted(folder.rglob("*")):
            if path.suffix == ".yml":
                result.problems.append(Problem(path.relative_to(root).as_posix(), 1, 1, "内容文件的扩展名应为 .yaml，请把 .yml 改成 .yaml"))
            if path.suffix != ".yaml" or not path.is_file():
                continue
            doc, problems = load_file(root, path)
            result.problems.extend(problems)
            if doc is not None:
                docs.append((doc, ctype))
    return result
