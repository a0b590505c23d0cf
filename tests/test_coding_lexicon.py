"""Lexicon patterns: syntax, negation (English, Russian, Kyrgyz), evidence sentences."""

from __future__ import annotations

import pytest

from unreported.coding.lexicon import Analyzer, Lexicon, PatternError, compile_pattern, ky_stem, split_sentences


def _lex(patterns: dict, *, models: bool = False) -> Lexicon:
    return Lexicon(patterns, Analyzer(use_models=models))


@pytest.mark.parametrize("bad", ["", "a | b", "a & ", "fo$o", "~"])
def test_bad_patterns_are_refused(bad: str) -> None:
    with pytest.raises(PatternError):
        compile_pattern(bad)


def test_sequence_prefix_and_cooccurrence() -> None:
    lx = _lex({"F3": {"en": ["afraid & jail*|prison", "forged passport*"]}})
    [r] = lx.match_many(["I was afraid they would put me in jail. Then came a forged passport."], "en")
    assert r.count("F3") == 2
    assert {h.sentence for h in r.hits["F3"]} == {0, 1}


def test_gap_is_bounded() -> None:
    lx = _lex({"F1": {"en": ["keep secret"]}})
    near, far = lx.match_many(["they keep nothing secret", "they keep the cows and one two three secret"], "en")
    assert near.count("F1") == 1 and far.count("F1") == 0


def test_negated_claim_does_not_count_but_topic_words_do() -> None:
    lx = _lex({"F5": {"en": ["threat*", "~safety"]}})
    pos, neg, topic = lx.match_many(["He threatened my mother.", "Nobody threatened me.", "There is no safety."], "en")
    assert pos.count("F5") == 1
    assert neg.count("F5") == 0 and neg.hits["F5"][0].negated
    assert topic.count("F5") == 1


def test_negation_does_not_cross_a_comma() -> None:
    lx = _lex({"F3": {"en": ["afraid"]}})
    [r] = lx.match_many(["It was not easy, I was afraid."], "en")
    assert r.count("F3") == 1


def test_pattern_with_neg_requires_negation() -> None:
    lx = _lex({"F2": {"en": ["NEG know & right*"]}})
    yes, no = lx.match_many(["I didn't know my rights.", "I know my rights."], "en")
    assert yes.count("F2") == 1 and no.count("F2") == 0


def test_kyrgyz_suffix_negation_and_stems() -> None:
    assert ky_stem("милицияга") == "милиция"
    lx = _lex({"F3": {"ky": ["корк* & түрмө*"]}})
    afraid, not_afraid, post = lx.match_many(
        ["Түрмөгө камашат деп корктум.", "Түрмөдөн коркпойм.", "Түрмөдөн корккон жокмун, бирок."], "ky"
    )
    assert afraid.count("F3") == 1
    assert not_afraid.count("F3") == 0
    assert post.count("F3") == 0


def test_russian_lemmas_and_negation() -> None:
    lx = _lex({"F4": {"ru": ["NEG доверять & полиц*"]}, "F5": {"ru": ["угрожать"]}}, models=True)
    a, b = lx.match_many(["Полиции я не доверяю.", "Мне никто не угрожал."], "ru")
    assert a.count("F4") == 1  # доверяю → доверять (pymorphy3)
    assert b.count("F5") == 0 and b.hits["F5"][0].negated


def test_evidence_is_the_sentence_that_matched() -> None:
    text = "We lived in a village. The police sold my data to them! Then I left."
    lx = _lex({"F1": {"en": ["~data"]}})
    [r] = lx.match_many([text], "en")
    assert r.evidence("F1", text) == "The police sold my data to them!"
    assert r.evidence("F2", text) is None


def test_language_without_patterns_uses_english_ones() -> None:
    lx = _lex({"F1": {"en": ["~confidential*"]}})
    [r] = lx.match_many(["Nothing was confidential."], "kk")
    assert r.count("F1") == 1


def test_sentence_split_keeps_offsets() -> None:
    text = "One. Two?  Three!\nFour"
    spans = split_sentences(text)
    assert [text[s:e] for s, e in spans] == ["One.", "Two?", "Three!", "Four"]


def test_reporting_frame_is_found_in_every_language_even_when_negated() -> None:
    lx = _lex({"F1": {"en": ["~gossip*"]}})
    [r] = lx.match_many(["I never went to the police. People gossip."], "en")
    assert r.reporting and r.count("F1") == 1
    assert lx.mentions_reporting(["I did not complain to anyone.", "We sold vegetables at the market."], "en") == [True, False]
    assert lx.mentions_reporting(["Почему вы не пошли в милицию?", "Мы работали на рынке."], "ru") == [True, False]
    assert lx.mentions_reporting(["Эмне үчүн арыз жазган жоксуз?", "Биз базарда иштедик."], "ky") == [True, False]
    assert lx.mentions_reporting(["Did you think of the police?"], "kk") == [True]  # English cues stand in
