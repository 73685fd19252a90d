"""Characters content must not hold, and how to tell an editor about one.

They are invisible and either change what a reader sees (a right-to-left override shows “abc” as “cba”; a
zero-width space makes two names that look the same differ, and search miss one) or break what is made from the
text (a NUL in a name made the Excel export fail). Joiners are kept where they join: inside emoji sequences
(👩‍💻) and between letters of scripts that need them (Arabic-script Uyghur, Mongolian, the Indic scripts).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

#: Every character that may be refused (joiners included; `_joins` lets the needed ones through). Tab and line
#: feed are text; a carriage return is a line break in a YAML file and a stray control character in a value.
_REFUSED = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060\u2066-\u2069\ufeff"
_SUSPECT, _SUSPECT_IN_SOURCE = re.compile(f"[{_REFUSED}\r]"), re.compile(f"[{_REFUSED}]")
_ZWNJ, _ZWJ = "\u200c", "\u200d"
#: Scripts whose letters take joiners: Arabic, Syriac, Thaana, NKo (0600–08FF), the Indic scripts (0900–0DFF),
#: Mongolian (1800–18AF) and Arabic presentation forms.
_JOINING = ((0x0600, 0x08FF), (0x0900, 0x0DFF), (0x1800, 0x18AF), (0xFB50, 0xFDFF), (0xFE70, 0xFEFC))
_CONTROL_NAMES = {0x00: "NUL，空字符", 0x07: "BEL，响铃", 0x08: "BS，退格", 0x0B: "VT，垂直制表", 0x0C: "FF，换页",
                  0x0D: "CR，回车", 0x1B: "ESC，转义", 0x7F: "DEL，删除", 0x85: "NEL，下一行"}


@dataclass(frozen=True)
class Unsafe:
    """A refused character and where it is in its text (0-based)."""

    index: int
    char: str

    @property
    def code(self) -> str:
        return f"U+{ord(self.char):04X}"

    def describe(self) -> str:
        """What it is, why it is refused and what to do, in words for an editor."""
        name = _CONTROL_NAMES.get(ord(self.char)) or unicodedata.name(self.char, "")
        if self.char in "\u2028\u2029\x85":
            kind, why, fix = "换行符", "很多程序不把它当作换行", "要换行请直接回车另起一行（多行文字写在“|”下面）"
        elif self.char in "\u061c\u200e\u200f" or "\u202a" <= self.char <= "\u202e" or "\u2066" <= self.char <= "\u2069":
            kind, why, fix = "文字方向控制符", "它会让文字显示的顺序与实际不同，可以用来伪装名称", "请删掉它"
        elif self.char in "\u200b\u200c\u200d\u2060\ufeff":
            kind, why, fix = "零宽字符", "它会让看起来相同的文字实际不同，搜索也找不到", "请删掉它（常见于从网页、文档或聊天软件复制的文字）"
        else:
            kind, why, fix = "控制字符", "它会让页面和导出的表格出错", "请删掉它（常见于从其他系统复制的文字）"
        return f"看不见的{kind} {self.code}{f'（{name}）' if name else ''}，{why}；{fix}"


def find_unsafe(text: str, source: bool = False) -> Unsafe | None:
    """The first refused character of `text`, or None. `source`: `text` is a whole YAML file, where a carriage
    return is part of a line break and a byte-order mark may open the file."""
    start = 1 if source and text.startswith("\ufeff") else 0
    for match in (_SUSPECT_IN_SOURCE if source else _SUSPECT).finditer(text, start):
        if not _joins(text, match.start()):
            return Unsafe(match.start(), match.group())
    return None


def _joins(text: str, i: int) -> bool:
    """A joiner between two emoji (ZWJ only) or between two letters of a joining script."""
    if text[i] not in (_ZWJ, _ZWNJ) or i == 0 or i == len(text) - 1:
        return False
    before, after = text[i - 1], text[i + 1]
    if text[i] == _ZWJ and _emoji(before) and _emoji(after):
        return True
    return _joining(before) and _joining(after)


def _emoji(char: str) -> bool:
    return unicodedata.category(char) == "So" or char == "\ufe0f" or 0x1F3FB <= ord(char) <= 0x1F3FF


def _joining(char: str) -> bool:
    return unicodedata.category(char)[0] in "LM" and any(low <= ord(char) <= high for low, high in _JOINING)
