"""Editors' text -> safe HTML.

Text fields accept a small Markdown subset (paragraphs, emphasis, lists, links). Whatever the Markdown
produces is then cleaned by nh3 (Ammonia) to an allow-list, so raw HTML, scripts, event handlers and
`javascript:` links in content can never reach a page.
"""

from __future__ import annotations

import html
import re
from functools import lru_cache

import markdown
import nh3
from markupsafe import Markup
from pymdownx.slugs import slugify

_slug = slugify(case="lower")


def heading_id(text: str) -> str:
    """The id the renderer gives a heading (mkdocs.yml: toc slugify, lower case), for headings of shell pages."""
    return _slug(str(text), "-")

ALLOWED_TAGS = {"p", "strong", "em", "ul", "ol", "li", "a", "br", "code"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
URL_SCHEMES = {"http", "https", "tel", "mailto"}

_md = markdown.Markdown(extensions=[], output_format="html")

#: Text Markdown would leave as one plain paragraph: no character with a meaning to Markdown or HTML, no
#: whitespace but inner single spaces, and no list or heading start. Most field values are like this, and
#: skipping Markdown and nh3 for them is what keeps page rendering fast at thousands of matters
#: (tests/test_text.py checks the shortcut gives the same HTML as the full path).
_PLAIN = re.compile(r"(?! |[-+]|\d+\. )(?:[^\s\\`*_\[\]<>&!#\x00-\x1f\x7f-\x9f]| (?! |$))+")


@lru_cache(maxsize=1 << 16)
def to_html(text: str | None) -> Markup:
    """Block text (may become several paragraphs or a list). Cached, as are the two below: names, conditions,
    materials and answers repeat across matters, so a large catalogue would otherwise test the same text again
    and again."""
    if not text:
        return Markup("")
    if _PLAIN.fullmatch(text):
        return Markup(f"<p>{text}</p>")
    html = _md.reset().convert(text)
    return Markup(nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, url_schemes=URL_SCHEMES, link_rel="noopener"))


@lru_cache(maxsize=1 << 16)
def to_inline_html(text: str | None) -> Markup:
    """One-line text: the same, without the wrapping paragraph."""
    html = str(to_html(text))
    if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
        html = html[3:-4]
    return Markup(html)


@lru_cache(maxsize=1 << 16)
def plain(text: str | None) -> str:
    """Text with all markup removed (for meta descriptions, search snippets, JSON exports)."""
    if not text:
        return ""
    if _PLAIN.fullmatch(text):
        return text
    return html.unescape(nh3.clean(_md.reset().convert(text), tags=set())).strip()


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#!])")  # Markdown's escapable characters; < > & are HTML-escaped


def md_text(text: str) -> str:
    """Content placed in a Markdown heading: backslash-escape Markdown syntax, so a name such as
    `[x](javascript:…)` stays text instead of becoming a link."""
    return _MD_SPECIAL.sub(r"\\\1", str(text))
