"""Pouring shell pages (render/shell.py) into the shells MkDocs and Material laid out: every page of a kind is the
shell's HTML with its own title, description, body and table of contents put in.

Only the placeholders of `MARKS` and the theme's markup for the table of contents are assumed about MkDocs'
output, and `Shell.parse` fails loudly if one is missing, so a theme upgrade that changes the markup cannot
silently produce broken pages.
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from ..render.shell import MARKS, SHELL_DIR, ShellPage

_HEADINGS = re.compile(r'<h2 id="([^"]+)">(.*?)</h2>')
_TAGS = re.compile(r"<[^>]+>")


class ShellError(RuntimeError):
    """MkDocs' shell page lacks a placeholder (the theme changed its markup)."""


@dataclass(frozen=True)
class Shell:
    """A laid-out shell cut at its placeholders."""

    url: str  # the shell's own address, e.g. "matters/_shell/"
    parts: tuple[str, ...]  # literal HTML between the slots
    slots: tuple[str, ...]  # what goes between parts[i] and parts[i + 1]
    toc_item: str  # the theme's markup for one table-of-contents entry, with the placeholders in it
    toc_open: str  # the table of contents' title and list around the entries (left out when a page has no h2)
    toc_close: str

    @classmethod
    def parse(cls, text: str, url: str) -> Shell:
        block = re.search(r'<label class="md-nav__title" for="__toc">.*?</ul>', text, re.S)
        item = re.search(rf'<li class="md-nav__item">\s*<a href="#{MARKS.toc_id}".*?</li>', text, re.S)
        content = re.search(rf'<h1 id="{MARKS.heading_id}">.*?<p>{MARKS.body}</p>', text, re.S)
        if not block or not item or not content or not block.start() < item.start() < item.end() <= block.end():
            raise ShellError(f"页面外壳 {url} 缺少占位内容（目录或正文），可能是主题升级改了页面结构")
        toc_open, toc_close = text[block.start():item.start()], text[item.end():block.end()]
        text = text[:content.start()] + "\0body\0" + text[content.end():]
        text = text[:block.start()] + "\0toc\0" + text[block.end():]
        for name, mark in (("title", MARKS.title), ("description", MARKS.description), ("url", url),
                           ("heading_id", MARKS.heading_id)):
            text = text.replace(mark, f"\0{name}\0")
        pieces = text.split("\0")
        return cls(url, tuple(pieces[0::2]), tuple(pieces[1::2]), item.group(0), toc_open, toc_close)

    def fill(self, page: ShellPage) -> bytes:
        h1 = re.match(r'<h1 id="([^"]*)"', page.body)
        values = {"title": page.title, "description": page.description, "url": page.path.removesuffix("index.html"),
                  "heading_id": h1.group(1) if h1 else "", "body": page.body, "toc": self._toc(page.body)}
        out = [self.parts[0]]
        for slot, part in zip(self.slots, self.parts[1:]):
            out += (values[slot], part)
        return "".join(out).encode("utf-8")

    def _toc(self, body: str) -> str:
        items = "".join(self.toc_item.replace(f"#{MARKS.toc_id}", f"#{hid}").replace(MARKS.toc, _TAGS.sub("", text))
                        for hid, text in _HEADINGS.findall(body))
        return self.toc_open + items + self.toc_close if items else ""


def take_shells(site: Path) -> dict[str, Shell]:
    """Parse the shells MkDocs just laid out and remove them from the site (they are not pages)."""
    shells = {}
    for path in sorted(site.glob(f"*/{SHELL_DIR}/index.html")):
        section = path.parent.parent.name
        shells[section] = Shell.parse(path.read_text(encoding="utf-8"), f"{section}/{SHELL_DIR}/")
        shutil.rmtree(path.parent)
    return shells


def fill_shells(site: Path, pages: list[ShellPage], shells: dict[str, Shell]) -> None:
    """Write every page into the built site from its section's shell, and the files it brings."""
    for page in pages:
        target = site / page.path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(shells[page.shell].fill(page))
        for rel, data in page.files.items():
            (site / rel).parent.mkdir(parents=True, exist_ok=True)
            (site / rel).write_bytes(data)
