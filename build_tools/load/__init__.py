"""Load stage: content folders -> Documents that remember file, line and column of every value."""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterator
from contextlib import closing
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from ..problems import Problem
from ..schema import CONTENT_TYPES, ContentType
from ..schema.common import is_device_name
from ..workers import Pool, available_cpus
from .yamlpos import Document, decode, load_text

__all__ = ["Document", "LoadResult", "load_tree", "load_file", "FileCache"]


class FileCache(dict):
    """What a long-running process (the preview server) keeps between loads of the same tree: per file, its
    (mtime, size) stamp and what was derived from it. A file whose stamp is unchanged is not read again."""

    def get_fresh(self, path: Path, stamp: tuple[int, int], what: str):
        entry = self.get((path, what))
        return entry[1] if entry is not None and entry[0] == stamp else None

    def put(self, path: Path, stamp: tuple[int, int], what: str, value) -> None:
        self[(path, what)] = (stamp, value)


#: Content reached through a symbolic link that leaves the repository is neither read nor published: reviewers and
#: other checkouts cannot see it, and it could be any file of the machine.
OUTSIDE = "这是指向仓库以外的符号链接；内容必须就放在仓库里（别人检出时看不到、审阅不到链接指向的文件），所以没有读取，也不会发布。请把文件本身放进来"


def outside(root: Path, path: Path) -> bool:
    """Whether `path` (followed through any links) lies outside the repository at `root`."""
    return not path.resolve().is_relative_to(root.resolve())


def stamp_of(path: Path) -> tuple[int, int]:
    st = path.stat()
    return st.st_mtime_ns, st.st_size

#: From this many files on, `load_tree` parses in two worker processes: parsing is most of validation and each
#: file parses on its own. Below it, starting the workers costs about what they save.
PARALLEL_FROM = 500
#: Files per task sent to a worker: a few hundred tasks for a city-scale tree.
_CHUNK = 32


@dataclass
class LoadResult:
    documents: dict[str, list[tuple[Document, ContentType]]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def all(self) -> Iterator[tuple[Document, ContentType]]:
        for docs in self.documents.values():
            yield from docs


def load_file(root: Path, path: Path) -> tuple[Document | None, list[Problem]]:
    rel = path.relative_to(root).as_posix()
    text, problem = decode(rel, path.read_bytes())
    if problem:
        return None, [problem]
    assert text is not None  # decode gives text or a problem
    return load_text(rel, text)


def load_tree(root: Path, workers: int | None = None, cache: FileCache | None = None,
              each: Callable[[Document, ContentType], None] | None = None) -> LoadResult:
    """Every `*.yaml` file in the content folders under `root`; every problem, not just the first.

    Files are parsed by `workers` processes: by default two from `PARALLEL_FROM` files on, else this process
    alone. The result is the same either way. With a `cache`, only files changed since the last load are parsed.
    `each` is called with every document as soon as it has been parsed, in file order: validation checks it while
    the workers parse the files after it."""
    result = LoadResult()
    files: list[tuple[Path, ContentType]] = []
    for ctype in CONTENT_TYPES:
        folder = root / ctype.folder
        result.documents[ctype.name] = []
        if not folder.is_dir():
            continue
        if outside(root, folder):
            result.problems.append(Problem(ctype.folder, 1, 1, OUTSIDE))
            continue
        for path in sorted(folder.rglob("*")):
            rel = path.relative_to(root).as_posix()
            if path.is_symlink() and outside(root, path):
                result.problems.append(Problem(rel, 1, 1, OUTSIDE))
            elif path.suffix == ".yml":
                result.problems.append(Problem(rel, 1, 1, "内容文件的扩展名应为 .yaml，请把 .yml 改成 .yaml"))
            elif path.suffix == ".yaml" and is_device_name(path.name):
                result.problems.append(Problem(rel, 1, 1, f"文件名“{path.name}”是 Windows 保留的设备名，在 Windows 电脑上无法检出和打开；请改名（并改 id）"))
            elif path.suffix == ".yaml" and path.is_file():
                files.append((path, ctype))
    stamps = [stamp_of(path) for path, _ in files] if cache is not None else []
    loaded = [cache.get_fresh(path, stamp, "load") for (path, _), stamp in zip(files, stamps)] if cache is not None else [None] * len(files)
    todo = [path for (path, _), done in zip(files, loaded) if done is None]
    if workers is None:
        workers = min(2, available_cpus()) if len(todo) >= PARALLEL_FROM else 1
    with closing(_load_files(root, todo, workers)) as fresh:
        for i, ((path, ctype), done) in enumerate(zip(files, loaded)):
            if done is None:
                done = next(fresh)
                if cache is not None:
                    cache.put(path, stamps[i], "load", done)
            doc, problems = done
            result.problems.extend(problems)
            if doc is not None:
                result.documents[ctype.name].append((doc, ctype))
                if each is not None:
                    each(doc, ctype)
    return result


def _load_files(root: Path, paths: list[Path], workers: int) -> Generator[tuple[Document | None, list[Problem]], None, None]:
    """Each file's result in order, as soon as it is there."""
    with Pool(workers if workers > 1 else 0) as pool:
        yield from pool.map(partial(load_file, root), paths, chunksize=_CHUNK)
