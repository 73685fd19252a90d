"""Shell pages, the render stage's side: a page kind with thousands of pages (matters, guides) is laid out once by
the site generator as a placeholder page, the *shell* (`templates/shell.md.j2`, written with the placeholder
words of `MARKS`), and every page of that kind is rendered here as a finished body (`ShellPage`) to be poured
into it. Pouring, and knowing the theme's markup around the placeholders, is the site generator adapter's job
(`mkdocs_adapter/shell.py`).

Why: laying out a page through MkDocs costs milliseconds (Markdown, navigation, theme templates) and a city has
thousands of matters that all share one layout. Filling a shell is a few string joins.
"""

from __future__ import annotations

from dataclasses import dataclass, field

SHELL_DIR = "_shell"  # shells live at <section>/_shell/, beside the pages they serve (ids cannot start with _)


@dataclass(frozen=True)
class Marks:
    """The placeholder words written into the shell's source (templates/shell.md.j2)."""

    title: str = "BKSHELLTITLE"
    description: str = "BKSHELLDESC"
    heading: str = "BKSHELLHEADING"
    heading_id: str = "bk-shell-heading"
    toc: str = "BKSHELLTOC"
    toc_id: str = "bk-shell-toc"
    body: str = "BKSHELLBODY"


MARKS = Marks()


@dataclass(frozen=True)
class ShellPage:
    """A finished page body for a shell: the page's path in the site and what goes into the placeholders."""

    path: str  # e.g. "matters/qiye-sheli-dengji/index.html"
    shell: str  # the section whose shell it uses, e.g. "matters"
    title: str  # HTML-escaped
    description: str  # HTML-escaped
    body: str  # HTML from <h1 id=…> on
    files: dict[str, bytes] = field(default_factory=dict)  # published with the page (its QR image), by site path
