"""Content lint: what the schema cannot judge, at two levels.

Errors: a scaffold's placeholders left in a file (`new` writes files that validate, so only the lint stops an
unfinished draft from being merged). Warnings: sentences too long to read at a window, jargon used without an
explanation, steps that say neither when nor where. Positions point at the sentence or word itself, not just
at the field, so an editor can jump straight to it.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from ..load.yamlpos import Document, Loc, decode, load_text
from ..problems import Problem, Severity
from ..schema.common import UNSTATED
from ..schema.style import Glossary, Term
from ..validate import Parsed
from ..validate.fields import check_document

GLOSSARY = Path("content-style") / "glossary.yaml"

#: What `new` writes where an editor must write something; any string containing it is unfinished.
PLACEHOLDER = "（请填写）"
#: What `new` writes as 基本编码 when none was given (a code field cannot hold the text placeholder).
PLACEHOLDER_CATALOG = "000000000000"

MAX_SENTENCE = 50

#: Citizen-facing text of a matter, in the order the page shows it, so "first use" means first on the page.
#: Legal quotations and the review standard are left out: their wording is not the editor's to change.
MATTER_TEXT = (
    "summary", "steps.*.title", "steps.*.text", "steps.*.where.text", "steps.*.fee", "steps.*.substeps.*.title",
    "steps.*.substeps.*.text", "conditions.*.text", "materials.*.name", "materials.*.condition", "materials.*.source",
    "materials.*.notes", "channels.window.note", "channels.online.note", "channels.express.note", "place_note", "hours",
    "visits.reason", "time_limits.promised.note", "time_limits.legal.note", "result.name", "faq.*.q", "faq.*.a",
    "status.reason", "history.*.change",
)
GUIDE_TEXT = ("summary", "steps.*.title", "steps.*.text")

_SENTENCE_END = re.compile(r"[。！？!?]+[”’」』）)]*|\n+")
_LINK_TARGET = re.compile(r"\]\([^)]*\)")
_MARKUP = re.compile(r"[\s\[\]*`]")
_EXPLAINED_AFTER = re.compile(r"\s*(（|\(|，?即|，?是指)")


def load_glossary(root: Path) -> tuple[list[Term], list[Problem]]:
    """The glossary's terms, longest first (so 容缺受理 is matched before a shorter term inside it)."""
    path = root / GLOSSARY
    if not path.is_file():
        return [], []
    text, problem = decode(GLOSSARY.as_posix(), path.read_bytes())
    if problem:
        return [], [problem]
    assert text is not None  # decode gives text or a problem
    doc, problems = load_text(GLOSSARY.as_posix(), text)
    if doc is None:
        return [], problems
    glossary, problems = check_document(doc, Glossary)
    if glossary is None:
        return [], problems
    return sorted(glossary.terms, key=lambda t: -len(t.term)), []  # type: ignore[attr-defined]


def lint(root: Path, parsed: Parsed, terms: list[Term]) -> list[Problem]:
    """Every lint problem in the files that passed the schema (the others already have validator errors)."""
    problems: list[Problem] = []
    checks = ((parsed.departments, ()), (parsed.halls, ()), (parsed.matters, MATTER_TEXT), (parsed.sops, ()), (parsed.guides, GUIDE_TEXT))
    for table, patterns in checks:
        for doc, _obj in table.values():
            source = _Source.read(root, doc)
            texts = list(_texts(doc.data, patterns))
            problems.extend(_placeholders(source))
            problems.extend(_long_sentences(source, texts))
            problems.extend(_jargon(source, texts, terms))
            if table is parsed.matters:
                problems.extend(_steps_without_time_or_place(doc))
                problems.extend(_unstated(doc))
    return sorted(set(problems))


def as_warnings(problems: list[Problem]) -> list[Problem]:
    """For `validate --warnings`: the lint's findings shown without changing validate's verdict."""
    return [replace(p, severity=Severity.WARNING) for p in problems]


@dataclass(frozen=True)
class _Source:
    """A document with its text, to find the line and column of a word *inside* a value."""

    doc: Document
    text: str
    line_starts: tuple[int, ...]
    starts: tuple[int, ...]  # offsets of every key and value, sorted: where a value's source text must end

    @classmethod
    def read(cls, root: Path, doc: Document) -> _Source:
        text = (root / doc.path).read_bytes().decode("utf-8-sig")
        line_starts = (0, *(i + 1 for i, ch in enumerate(text) if ch == "\n"))
        offsets = {line_starts[line - 1] + col - 1 for line, col in (*doc.values.values(), *doc.keys.values())}
        return cls(doc, text, line_starts, tuple(sorted(offsets)))

    def problem(self, loc: Loc, value: str, offset: int, message: str, severity: Severity) -> Problem:
        line, col = self.locate(loc, value, offset)
        return Problem(self.doc.path, line, col, message, severity)

    def locate(self, loc: Loc, value: str, offset: int) -> tuple[int, int]:
        """Where `value[offset:]` starts in the file. Folded and quoted scalars do not copy the source
        character for character, so this finds the same occurrence of a short fragment in the value's source
        text; if it cannot, it falls back to the start of the value."""
        line, col = self.doc.position(loc)
        begin = self.line_starts[line - 1] + col - 1
        following = bisect.bisect_right(self.starts, begin)
        end = self.starts[following] if following < len(self.starts) else len(self.text)
        fragment = re.match(r"\S{1,10}", value[offset:])
        if fragment is None:
            return line, col
        nth = value.count(fragment.group(), 0, offset)
        at = begin - 1
        for _ in range(nth + 1):
            at = self.text.find(fragment.group(), at + 1, end)
            if at < 0:
                return line, col
        found_line = bisect.bisect_right(self.line_starts, at)
        return found_line, at - self.line_starts[found_line - 1] + 1


def _texts(data: Any, patterns: tuple[str, ...]) -> Iterator[tuple[Loc, str]]:
    """(location, text) of every string the patterns name, in pattern order."""
    for pattern in patterns:
        yield from _walk(data, tuple(pattern.split(".")), ())


def _walk(value: Any, pattern: tuple[str, ...], loc: Loc) -> Iterator[tuple[Loc, str]]:
    if not pattern:
        if isinstance(value, str) and value:
            yield loc, value
        return
    head, rest = pattern[0], pattern[1:]
    if head == "*" and isinstance(value, list):
        for i, item in enumerate(value):
            yield from _walk(item, rest, (*loc, i))
    elif isinstance(value, dict) and head in value:
        yield from _walk(value[head], rest, (*loc, head))


def _all_strings(value: Any, loc: Loc = ()) -> Iterator[tuple[Loc, str]]:
    if isinstance(value, str):
        yield loc, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _all_strings(item, (*loc, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _all_strings(item, (*loc, i))


def _dotted(loc: Loc) -> str:
    return ".".join(str(p) for p in loc)


def _placeholders(source: _Source) -> Iterator[Problem]:
    for loc, text in _all_strings(source.doc.data):
        at = text.find(PLACEHOLDER)
        if at >= 0:
            yield source.problem(loc, text, at, f"字段“{_dotted(loc)}”还是脚手架的占位文字{PLACEHOLDER}；请按上方注释的提示改成实际内容",
                                 Severity.ERROR)
    codes = source.doc.data.get("codes")
    if isinstance(codes, dict) and codes.get("catalog") == PLACEHOLDER_CATALOG:
        yield source.problem(("codes", "catalog"), PLACEHOLDER_CATALOG, 0,
                             f"基本编码还是占位值 {PLACEHOLDER_CATALOG}；请填写基本目录中的编码，并把实施编码中间的 12 位改成同一编码", Severity.ERROR)


def sentences(text: str) -> Iterator[tuple[int, str]]:
    """(offset, sentence) for each sentence: split after 。！？ (and closing quotes) and at line breaks."""
    start = 0
    for end in [m.end() for m in _SENTENCE_END.finditer(text)] + [len(text)]:
        piece = text[start:end]
        stripped = piece.lstrip()
        if stripped.strip():
            yield start + len(piece) - len(stripped), stripped.rstrip()
        start = end


def visible_length(sentence: str) -> int:
    """Characters a reader sees: no whitespace, no Markdown link targets or emphasis marks."""
    return len(_MARKUP.sub("", _LINK_TARGET.sub("", sentence)))


def _long_sentences(source: _Source, texts: list[tuple[Loc, str]]) -> Iterator[Problem]:
    for loc, text in texts:
        for offset, sentence in sentences(text):
            n = visible_length(sentence)
            if n > MAX_SENTENCE:
                yield source.problem(loc, text, offset, f"这句话有 {n} 个字（“{sentence[:12]}…”），超过 {MAX_SENTENCE} 个字，"
                                     "在窗口和手机上不容易读懂；请拆成几个短句", Severity.WARNING)


def _jargon(source: _Source, texts: list[tuple[Loc, str]], terms: list[Term]) -> Iterator[Problem]:
    """Only the first use of each term in a file needs an explanation."""
    pending = list(terms)
    for loc, text in texts:
        taken: list[range] = []  # spans of longer terms already matched in this text
        for term in list(pending):
            at = text.find(term.term)
            while at >= 0 and any(at in span for span in taken):
                at = text.find(term.term, at + 1)
            if at < 0:
                continue
            pending.remove(term)
            taken.append(range(at, at + len(term.term)))
            if not _explained(text, at, term.term):
                yield source.problem(loc, text, at, f"术语“{term.term}”在这个文件里第一次出现时没有解释，群众不一定懂；"
                                     f"请在后面加括号说明，例如“{term.term}（{term.explanation}）”", Severity.WARNING)


def _explained(text: str, at: int, term: str) -> bool:
    """Followed by （…）, 即… or 是指…; or itself the bracketed name of what was just explained: 先受理后补交（容缺受理）."""
    end = at + len(term)
    if _EXPLAINED_AFTER.match(text, end):
        return True
    return at > 0 and text[at - 1] in "（(" and text[end:end + 1] in ("）", ")")


def _steps_without_time_or_place(doc: Document) -> Iterator[Problem]:
    for i, step in enumerate(doc.data.get("steps") or []):
        if not step.get("where") and not step.get("duration"):
            line, col = doc.position(("steps", i))
            yield Problem(doc.path, line, col, f"第 {i + 1} 步“{step.get('title')}”既没有写在哪里办（where），也没有写大约要多久（duration）；"
                          "群众不知道这一步该去哪、要等多久", Severity.WARNING)


def _unstated(doc: Document) -> Iterator[Problem]:
    """Values written as 未说明: honest, but a citizen gets 以窗口告知为准 instead of a number; worth asking the window."""
    for loc, value in _all_strings(doc.data):
        if value == UNSTATED:
            line, col = doc.position(loc)
            yield Problem(doc.path, line, col, f"“{_dotted(loc)}”写的是“{UNSTATED}”：页面上会显示“以窗口告知为准”；请向办理窗口或依据文件核实后补上", Severity.WARNING)
