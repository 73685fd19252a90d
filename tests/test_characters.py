"""Invisible characters (build_tools/characters.py): refused wherever content comes from (a YAML file as written,
escapes in double quotes, the cells of an import) with the place and the character named; joiners that join kept."""

from __future__ import annotations

from hypothesis import example, given
from hypothesis import strategies as st

from build_tools.characters import find_unsafe
from build_tools.load.yamlpos import load_text
from build_tools.validate.fields import character_problems

#: Every character refused in a value; a carriage return is also a line break of a YAML file.
REFUSED = ([chr(c) for c in range(0x20) if chr(c) not in "\n\t"] + [chr(c) for c in range(0x7F, 0xA0)]
           + list("\u061c\u200b\u200c\u200d\u200e\u200f\u2028\u2029\u202a\u202b\u202c\u202d\u202e\u2060\u2066\u2067\u2068\u2069\ufeff"))
SAFE = st.text(st.characters(blacklist_categories=("Cc", "Cf", "Cs", "Cn", "Zl", "Zp")) | st.sampled_from("\n\t"), max_size=40)
ONE_LINE = st.text(st.characters(blacklist_categories=("Cc", "Cf", "Cs", "Cn", "Zl", "Zp")), max_size=40)


@given(SAFE)
@example("企业名称自主申报\n第二行\t制表")
@example("👩\u200d💻 程序员")
def test_text_without_refused_characters_passes(text):
    assert find_unsafe(text) is None and find_unsafe(text, source=True) is None


@given(SAFE, st.sampled_from(REFUSED), SAFE)
@example("北京", "\u202e", "moc.elpmaxe")
@example("企业", "\u200d", "设立")  # a joiner between Chinese characters joins nothing
def test_a_refused_character_is_found_where_it_is(before, char, after):
    found = find_unsafe(before + char + after)
    assert found is not None and (found.index, found.char) == (len(before), char)
    assert found.code in found.describe() and "请" in found.describe()


@given(st.text(max_size=60))
def test_any_text_is_checked_without_error(text):
    found = find_unsafe(text)
    assert found is None or text[found.index] == found.char


def test_joiners_that_join_are_kept():
    assert find_unsafe("👨\u200d👩\u200d👧 家庭") is None  # an emoji family
    assert find_unsafe("❤\ufe0f\u200d🔥") is None
    assert find_unsafe("مى\u200cخواهم") is None  # Persian needs a non-joiner between letters
    assert find_unsafe("نىڭ\u200dكى") is None  # Uyghur in Arabic script
    assert find_unsafe("a\u200db").index == 1 and find_unsafe("\u200d👩").index == 0


@given(ONE_LINE, st.sampled_from([c for c in REFUSED if c != "\r"]), ONE_LINE)
def test_the_loader_names_a_character_written_in_the_file_at_its_line_and_column(before, char, after):
    doc, problems = load_text("x.yaml", f"a:\n  b: {before}{char}{after}\n")
    assert doc is None and len(problems) == 1
    assert (problems[0].line, problems[0].col) == (2, 6 + len(before)), problems
    assert problems[0].message.startswith("这里有看不见的") and f"U+{ord(char):04X}" in problems[0].message


@given(ONE_LINE, st.sampled_from(REFUSED), ONE_LINE)
def test_a_character_written_as_an_escape_is_named_at_its_value(before, char, after):
    text = f'a:\n  - "{_escaped(before)}\\u{ord(char):04x}{_escaped(after)}"\n'
    doc, problems = load_text("x.yaml", text)
    assert problems == [] and doc is not None
    found = character_problems(doc)
    assert [(p.line, p.col) for p in found] == [(2, 5)]
    assert found[0].message.startswith(f"字段“a.0”的第 {len(before) + 1} 个字是看不见的") and f"U+{ord(char):04X}" in found[0].message


def _escaped(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


def test_a_key_with_a_refused_character_is_named_at_the_key():
    doc, _ = load_text("x.yaml", 'a:\n  "x\\u200by": 1\n')
    assert [str(p) for p in character_problems(doc)] == [
        "x.yaml:2:3: 字段名“x\u200by”里有看不见的零宽字符 U+200B（ZERO WIDTH SPACE），它会让看起来相同的文字实际不同，搜索也找不到；"
        "请删掉它（常见于从网页、文档或聊天软件复制的文字）"]
