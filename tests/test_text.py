"""Editors' text to HTML: the plain-text shortcut must give exactly what Markdown + nh3 give."""

from __future__ import annotations

import html

import nh3
from hypothesis import example, given, settings
from hypothesis import strategies as st

from build_tools import text

#: Characters editors type, weighted towards what matters here: Chinese, digits, ASCII and CJK punctuation,
#: Markdown syntax and whitespace of every kind.
ALPHABET = st.sampled_from(list("办理营业执照身份证复印件工作日个元和或（）：；，。、“”《》 ") + list("abcXYZ0123456789")
                           + list("-+*_#>[]()!`\\<>&.=~|^{}\"'/:% \t\n\u3000\u00a0\u2028"))


def _full(source: str) -> str:
    return nh3.clean(text._md.reset().convert(source), tags=text.ALLOWED_TAGS, attributes=text.ALLOWED_ATTRIBUTES,
                     url_schemes=text.URL_SCHEMES, link_rel="noopener")


@settings(max_examples=600, deadline=None)
@given(st.text(alphabet=ALPHABET, min_size=1, max_size=30))
@example("10个工作日")
@example("1. 填写申请表")
@example("- 身份证")
@example("---")
@example("营业执照 ")
@example(" 营业执照")
@example("a  b")
def test_shortcut_equals_markdown_and_cleaning(source):
    assert str(text.to_html(source)) == _full(source)
    assert text.plain(source) == html.unescape(nh3.clean(text._md.reset().convert(source), tags=set())).strip()


def test_shortcut_is_taken_for_everyday_values():
    for value in ("10个工作日", "居民身份证原件", "西城区政务服务中心一层 B05 窗口", "周一至周五 9:00-17:00"):
        assert text._PLAIN.fullmatch(value), value
    for value in ("1. 第一步", "**注意**", "见[说明](https://example.gov.cn)", "甲\n乙", "- 一项"):
        assert not text._PLAIN.fullmatch(value), value
