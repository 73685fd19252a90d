"""The shared search analyzer (folding, segmentation, synonyms, typos) and the reviewed synonym file."""

from __future__ import annotations

from pathlib import Path

import pytest

from build_tools.search.analyzer import SYNONYMS_FILE, Analyzer, Corrector, RulesError, fold, fold_chars, load_rules, two_character_words
from build_tools.search.citizen import HASHES, bloom
from build_tools.search.compact import fnv1a
from build_tools.validate import validate_tree

from .support import REPO


@pytest.fixture(scope="module")
def analyzer() -> Analyzer:
    return Analyzer(load_rules(), ["上户口", "开公司", "营业执照遗失补领", "社会保障卡补换"])


def test_two_character_words_are_the_analyzer_s():
    """The citizen lexicon reads jieba's word list itself instead of initialising jieba: it must know exactly the
    two-character words an analyzer with the same user words knows."""
    user_words = ["上户口", "开公司", "营业执照遗失补领", "社卡", "A证"]
    analyzer, known = Analyzer(load_rules(), user_words), two_character_words(load_rules(), user_words)
    texts = [p.read_text(encoding="utf-8") for p in sorted((REPO / "matters").glob("*.yaml"))]
    candidates = {t[i:i + 2] for t in texts for i in range(len(t) - 1)} | {"社卡", "A证", "龘龘"}
    han_pairs = {w for w in candidates if all("\u3400" <= c <= "\u9fff" for c in w)}
    assert known & candidates == {w for w in han_pairs if analyzer.in_dictionary(w)}
    assert {"社卡", "执照", "户口"} <= known and not {"A证", "龘龘"} & known


def test_fold_traditional_full_width_and_case():
    assert fold("營業執照遺失") == "营业执照遗失"
    assert fold("ＵＫｅｙ　續期") == "ukey 续期"
    assert fold("社会保障卡") == "社会保障卡"
    assert fold("請儘快回覆") == "请尽快回复"  # 覆 changes only inside the phrase 回覆


def test_fold_chars_keeps_positions():
    text = "營業執照（副本）"
    assert len(fold_chars(text)) == len(text)
    assert fold_chars(text).startswith("营业执照")


def test_words_inside_compounds_are_tokens(analyzer):
    tokens = analyzer.tokens("营业执照遗失补领")
    assert {"营业执照", "执照", "营业", "遗失", "补领"} <= set(tokens)
    assert {"养老保险", "保险", "参保"} <= set(analyzer.tokens("城乡居民基本养老保险参保登记"))


def test_user_words_stay_whole_and_stop_words_go(analyzer):
    assert "上户口" in analyzer.tokens("孩子上户口要带什么")
    assert analyzer.tokens("请问怎么办理低保") == ["办理", "低保"]


def test_expansions_add_synonyms_the_text_lacks(analyzer):
    extra = analyzer.expansions("社会保障卡补换")
    assert "社保卡" in extra and "补办" in extra
    assert "社会保障卡" not in extra


def test_best_bets_match_inside_a_longer_query(analyzer):
    assert analyzer.best_bets("宝宝出生了怎么上户口") == ["chusheng-dengji"]
    assert analyzer.best_bets("低保") == []


@pytest.mark.parametrize("typed, meant", [("营业只照丢了", "营业执照丢了"), ("社宝卡补办", "社保卡补办"), ("身份正", "身份证")])
def test_one_wrong_character_is_corrected(analyzer, typed, meant):
    corrector = Corrector({w: 1 for w in ["营业执照", "社保卡", "身份证", "缴社保"]})
    assert corrector.suggest(analyzer, typed) == meant


@pytest.mark.parametrize("query", ["营业执照", "办社保", "开公司", "失业了领钱"])
def test_correct_queries_are_left_alone(analyzer, query):
    corrector = Corrector({w: 1 for w in ["营业执照", "缴社保", "失业金", "开公司"]})
    assert corrector.suggest(analyzer, query) is None


def test_the_synonym_file_loads_and_its_best_bets_name_real_matters():
    rules = load_rules()
    assert len(rules.synonyms) >= 30 and rules.stopwords
    matters = set(validate_tree(REPO).parsed.matters)
    assert {i for ids in rules.best_bets.values() for i in ids} <= matters
    assert SYNONYMS_FILE == REPO / "search" / "synonyms.yaml"


@pytest.mark.parametrize("text, message", [
    ("synonyms: [[社保]]\n", "至少两个词"),
    ("synonyms: [[社, 社会]]\n", "至少两个字"),
    ("synonym: []\n", "未知的键"),
    ("best_bets: {上户口: chusheng-dengji}\n", "best_bets"),
    ("synonyms: [\n", "synonyms.yaml"),
])
def test_a_malformed_synonym_file_is_reported(tmp_path: Path, text, message):
    path = tmp_path / "synonyms.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(RulesError, match=message):
        load_rules(path)


def test_bloom_filter_hash_matches_the_browser():
    """theme/assets/search.js tests membership with the same FNV-1a; pin a value so the two cannot drift."""
    assert fnv1a("注销") == 0x4F7CC675
    filt = bloom({"注销", "社保"})
    assert filt["k"] == HASHES and filt["bits"]
