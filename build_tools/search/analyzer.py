"""The one text analyzer both search paths share, so staff search (Whoosh) and citizen search (the compact index) agree on
what a query means.

- Folding: full-width → half-width, lower case, traditional → simplified (OpenCC t2s) — on documents and queries.
- Segmentation: jieba in search mode (every dictionary word inside a longer word is a token too, so 执照 finds
  营业执照), with a user dictionary made from matter names, popular names and the synonym file, so 上户口 and
  社保卡 stay whole.
- Synonyms, stop words and best bets come from `search/synonyms.yaml`, which is data reviewed in pull requests,
  not code.
- Typos: a one-character substitution against the known vocabulary (群众 type with pinyin input methods, so
  most typos are a wrong character of the right sound: 营业只照 → 营业执照).
"""

from __future__ import annotations

import importlib.util
import logging
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path

import opencc
import yaml

#: The synonym file lives with the compiler (search/ next to build_tools/): the words citizens use do not change
#: with the content tree, and synthetic or test copies of the content search the same way.
SYNONYMS_FILE = Path(__file__).resolve().parents[2] / "search" / "synonyms.yaml"
_OPENCC_DICT = Path(opencc.__file__).resolve().parent / "dictionary"
#: jieba's word list, found without importing jieba: a build reads only the list and need not pay for the import.
_JIEBA_WORDS = Path(importlib.util.find_spec("jieba").origin).parent / "dict.txt"  # type: ignore[union-attr, arg-type]  # jieba is installed

_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_WORD_CHARS = re.compile(r"[\w\u3400-\u9fff]")
#: Where names are cut into parts for the user dictionary: brackets and list punctuation.
_NAME_SPLIT = re.compile(r"[（）()、，,；;：:\s—\-·/]+")


class RulesError(ValueError):
    """search/synonyms.yaml is malformed; the message says where."""


@dataclass(frozen=True)
class Rules:
    """The reviewed search vocabulary: groups of interchangeable words, words to ignore, and pinned results."""

    synonyms: tuple[frozenset[str], ...]
    stopwords: frozenset[str]
    best_bets: dict[str, tuple[str, ...]]
    _related: dict[str, frozenset[str]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        table: dict[str, set[str]] = {}
        for group in self.synonyms:
            for w in group:
                table.setdefault(w, set()).update(group - {w})
        object.__setattr__(self, "_related", {w: frozenset(ws) for w, ws in table.items()})

    def related(self, word: str) -> frozenset[str]:
        """Every word that shares a synonym group with `word` (not transitively), without `word` itself."""
        return self._related.get(word, frozenset())

    def words(self) -> set[str]:
        return {w for g in self.synonyms for w in g} | set(self.best_bets)


def load_rules(path: Path = SYNONYMS_FILE) -> Rules:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as err:
        raise RulesError(f"{path}: {err}") from None
    unknown = set(data) - {"synonyms", "stopwords", "best_bets"}
    if unknown:
        raise RulesError(f"{path}: 未知的键 {', '.join(sorted(unknown))}（只能是 synonyms、stopwords、best_bets）")
    groups = []
    for n, group in enumerate(data.get("synonyms") or [], start=1):
        if not isinstance(group, list) or len(group) < 2 or not all(isinstance(w, str) for w in group):
            raise RulesError(f"{path}: synonyms 第 {n} 组应是至少两个词的列表：{group!r}")
        words = frozenset(fold(w) for w in group)
        short = [w for w in words if len(w) < 2]
        if short:
            raise RulesError(f"{path}: synonyms 第 {n} 组的词至少两个字：{short}")
        groups.append(words)
    stopwords = data.get("stopwords") or []
    bets = data.get("best_bets") or {}
    if not isinstance(stopwords, list) or not isinstance(bets, dict) or not all(isinstance(v, list) for v in bets.values()):
        raise RulesError(f"{path}: stopwords 应是列表，best_bets 应是“说法: [事项 id, …]”")
    return Rules(synonyms=tuple(groups), stopwords=frozenset(fold(str(w)) for w in stopwords),
                 best_bets={fold(str(k)): tuple(str(i) for i in v) for k, v in bets.items()})


# --- folding ---------------------------------------------------------------------------------------------------
@cache
def t2s_chars() -> dict[str, str]:
    """OpenCC's traditional → simplified character table (first candidate), only the characters that change."""
    table = {}
    for line in (_OPENCC_DICT / "TSCharacters.txt").read_text(encoding="utf-8").splitlines():
        trad, _, simp = line.partition("\t")
        first = simp.split(" ")[0]
        if first and first != trad:
            table[trad] = first
    return table


@cache
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


@cache
def _triggers() -> frozenset[str]:
    """Characters that OpenCC t2s may change: those of the character table, and those a phrase rule changes
    although the character table keeps them (瞭 in 一目瞭然 → 一目了然)."""
    changed = set(t2s_chars())
    for line in (_OPENCC_DICT / "TSPhrases.txt").read_text(encoding="utf-8").splitlines():
        trad, _, simp = line.partition("\t")
        simp = simp.split(" ")[0]
        changed.update(a for a, b in zip(trad, simp) if a != b)
    return frozenset(changed)


def fold(text: str) -> str:
    """What both indexes and every query see: NFKC (full-width → half-width), lower case, simplified characters."""
    text = unicodedata.normalize("NFKC", text).lower()
    if _triggers().isdisjoint(text):  # nearly all content is simplified: skip OpenCC's slow phrase matching
        return text
    return _t2s().convert(text)


def fold_chars(text: str) -> str:
    """`fold` one character at a time, so positions in the result are positions in `text` (for highlighting)."""
    table = t2s_chars()
    out = []
    for ch in text:
        n = unicodedata.normalize("NFKC", ch).lower()
        n = n if len(n) == 1 else ch
        out.append(table.get(n, n))
    return "".join(out)


# --- segmentation -----------------------------------------------------------------------------------------------
def name_parts(name: str) -> list[str]:
    """A name and its bracketed or listed parts: 企业设立登记（五证合一、一照一码） → the whole, 企业设立登记, 五证合一, 一照一码."""
    return list(_name_parts(name))


@lru_cache(maxsize=1 << 16)
def _name_parts(name: str) -> tuple[str, ...]:
    """Cached: the search-terms dictionary is made from every matter's names again for each new catalogue."""
    folded = fold(name).strip()
    parts = [p for p in _NAME_SPLIT.split(folded) if len(p) >= 2]
    return tuple(dict.fromkeys([_NAME_SPLIT.sub("", folded), *parts]))


@dataclass(frozen=True)
class Word:
    """One word of a text as jieba cut it, with the dictionary words inside it (search mode)."""

    text: str
    parts: tuple[str, ...] = ()


#: A line of jieba's word list that is a word of two Chinese characters: the word and its frequency.
_TWO_CHARACTER_ENTRY = re.compile(r"^([\u3400-\u9fff]{2}) (\d+)", re.M)
_TWO_CHARACTERS = re.compile(r"[\u3400-\u9fff]{2}")


def two_character_words(rules: Rules, user_words: Iterable[str] = ()) -> frozenset[str]:
    """The two-character Chinese words an `Analyzer` with these user words knows (`in_dictionary`), read straight
    from jieba's word list, without making an Analyzer (initialising jieba is costly), since the citizen
    lexicon needs nothing more of jieba."""
    known = {w for w, freq in _TWO_CHARACTER_ENTRY.findall(_JIEBA_WORDS.read_text(encoding="utf-8")) if int(freq)}
    added = {fold(w) for w in user_words} | rules.words()
    return frozenset(known | {w for w in added if _TWO_CHARACTERS.fullmatch(w)})


class Analyzer:
    """Folding + jieba with a user dictionary + synonym lookup. One instance per index (its dictionary is saved
    with the index, so queries are cut exactly like the documents were)."""

    def __init__(self, rules: Rules, user_words: Iterable[str] = ()):
        import jieba  # here, not at the top: a build needs only jieba's word list (`two_character_words`)

        jieba.setLogLevel(logging.WARNING)
        self.rules = rules
        self._jieba = jieba.Tokenizer()
        self._jieba.initialize()
        words = {fold(w) for w in user_words} | rules.words()
        self.user_words = sorted(w for w in words if len(w) >= 2 and _HAN.search(w))
        for w in self.user_words:
            self._jieba.add_word(w)
        self._freq = self._jieba.FREQ

    def in_dictionary(self, word: str) -> bool:
        return bool(self._freq.get(word))

    def pieces(self, folded: str) -> list[str]:
        """jieba's plain cut of already folded text, spaces and punctuation included (offsets add up)."""
        return list(self._jieba.cut(folded, HMM=False))

    def words(self, text: str) -> list[Word]:
        """The words of `text` (folded), stop words and punctuation dropped."""
        out = []
        for w in self.pieces(fold(text)):
            if not _WORD_CHARS.search(w) or w in self.rules.stopwords:
                continue
            w = w.strip()
            parts: list[str] = []
            if len(w) > 2 and _HAN.search(w):
                for n in range(len(w) - 1, 1, -1):
                    for i in range(len(w) - n + 1):
                        sub = w[i:i + n]
                        if self._freq.get(sub) and sub not in self.rules.stopwords:
                            parts.append(sub)
            out.append(Word(w, tuple(dict.fromkeys(parts))))
        return out

    def tokens(self, text: str) -> list[str]:
        """Index terms: every word and every dictionary word inside it (jieba search mode, any length)."""
        return [t for w in self.words(text) for t in (w.text, *w.parts)]

    def expansions(self, text: str) -> list[str]:
        """Synonyms of the words in `text` that `text` does not already contain: what a page's hidden search terms
        add so a citizen's wording finds it (名称含“社会保障卡” → 社保卡、市民卡)."""
        tokens = self.tokens(text)
        present = set(tokens)
        extra: dict[str, None] = {}
        for t in tokens:
            for syn in sorted(self.rules.related(t)):
                if syn not in present:
                    extra[syn] = None
        return list(extra)

    def best_bets(self, query: str) -> list[str]:
        """Matter ids pinned for a query that contains one of the best-bet phrases."""
        folded = fold(query)
        return list(dict.fromkeys(i for phrase, ids in self.rules.best_bets.items() if phrase in folded for i in ids))


# --- typos --------------------------------------------------------------------------------------------------------
@dataclass
class Corrector:
    """Did-you-mean by one wrong character: a query window of 3+ characters that is not a known word but differs
    from one in a single position, where the query has no dictionary word (营业只照 → 营业执照, 社宝卡 → 社保卡)."""

    vocabulary: dict[str, int]
    _near: dict[tuple[int, str], list[str]] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        for word in self.vocabulary:
            if len(word) >= 3 and _HAN.search(word):
                for i in range(len(word)):
                    self._near.setdefault((i, word[:i] + "\0" + word[i + 1:]), []).append(word)

    def suggest(self, analyzer: Analyzer, query: str) -> str | None:
        folded = fold(query)
        weak = self._weak_positions(analyzer, folded)
        if not weak:
            return None
        chars = list(folded)
        changed = False
        i = 0
        while i < len(chars):
            best = self._best_at(chars, i, weak)
            if best:
                word, length = best
                chars[i:i + length] = list(word)
                changed = True
                i += length
            else:
                i += 1
        return "".join(chars) if changed else None

    def _best_at(self, chars: list[str], start: int, weak: set[int]) -> tuple[str, int] | None:
        for length in range(min(8, len(chars) - start), 2, -1):
            window = "".join(chars[start:start + length])
            if window in self.vocabulary or not _HAN.fullmatch(window[0]):
                continue
            candidates = [w for pos in range(length) if start + pos in weak
                          for w in self._near.get((pos, window[:pos] + "\0" + window[pos + 1:]), [])]
            if candidates:
                return max(candidates, key=lambda w: (self.vocabulary[w], w)), length
        return None

    @staticmethod
    def _weak_positions(analyzer: Analyzer, folded: str) -> set[int]:
        """Positions of characters the dictionary does not explain: single characters (stop words aside) and
        unknown runs."""
        weak: set[int] = set()
        pos = 0
        for piece in analyzer.pieces(folded):
            if _HAN.search(piece) and piece not in analyzer.rules.stopwords and (len(piece) == 1 or not analyzer.in_dictionary(piece)):
                weak.update(range(pos, pos + len(piece)))
            pos += len(piece)
        return weak
