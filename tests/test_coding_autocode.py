"""Cross-validation grouped by transcript, threshold calibration, κ aggregation by turn,
sentence windows as extra training rows."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from scipy import sparse

from unreported.coding.autocode import agreement
from unreported.coding.classifier import ANCHOR_WEIGHT, EXAMPLE_WEIGHT, Features, choose_thresholds, grouped_folds, kappa


def test_folds_never_split_a_transcript() -> None:
    groups = [f"T{i % 7}" for i in range(40)]
    folds = grouped_folds(groups, 5)
    assert len(folds) == 5
    seen = []
    for train, test in folds:
        assert not ({groups[i] for i in train} & {groups[i] for i in test})
        seen.extend(test.tolist())
    assert sorted(seen) == list(range(40))
    with pytest.raises(ValueError, match="at least two transcripts"):
        grouped_folds(["T1"] * 5, 5)


def test_threshold_maximises_kappa() -> None:
    y = np.array([[0], [0], [0], [1], [1], [1]])
    s = np.array([[0.1], [0.2], [0.32], [0.35], [0.36], [0.9]])
    th, curve = choose_thresholds(s, y)
    assert th == [0.35]  # the only grid point that separates the two classes
    assert kappa(y[:, 0], s[:, 0] >= th[0]) == 1.0
    wide = np.array([[0.1], [0.2], [0.3], [0.62], [0.7], [0.9]])
    assert choose_thresholds(wide, y)[0] == [0.5]  # ties go to the threshold nearest 0.5


def test_kappa_edge_cases() -> None:
    assert kappa(np.zeros(4), np.zeros(4)) == 1.0
    assert kappa(np.array([0, 1, 0, 1]), np.array([0, 1, 0, 1])) == 1.0
    assert kappa(np.array([0, 1, 0, 1]), np.zeros(4)) == 0.0


def test_agreement_aggregates_split_turns_and_languages() -> None:
    # two parts of one turn: the code found in either part counts for the turn
    Y = np.array([[1], [1], [0], [1]])
    P = np.array([[0], [1], [0], [1]])
    turns = ["D#001", "D#001", "D#003", "E#001"]
    langs = ["en", "en", "en", "ru"]
    a = agreement(Y, P, langs, turns, ["F1"])
    assert a["all"]["n_turns"] == 3 and a["all"]["kappa"]["F1"] == 1.0
    assert a["en"]["n_turns"] == 2 and a["ru"]["n_turns"] == 1
    none = agreement(np.array([[1, 0], [0, 0]]), np.array([[1, 0], [0, 0]]), ["en", "en"], ["A#1", "B#1"], ["F1", "F2"])
    assert none["all"]["kappa"]["F2"] is None and none["all"]["macro_kappa"] == 1.0


def test_vectorizers_drop_single_unit_ngrams_only_with_enough_units() -> None:
    from unreported.coding.classifier import SupervisedModel

    model = SupervisedModel(["F1"])
    texts = [f"police refused case {i} zzqxv{i}" for i in range(25)]
    word, _ = model._vectorizers(len(texts))
    vocab = word.fit(texts).vocabulary_
    assert "police" in vocab and "zzqxv3" not in vocab
    small, _ = model._vectorizers(3)
    assert "zzqxv1" in small.fit(texts[:3]).vocabulary_


def test_pseudonym_numbers_are_invisible_to_what_is_learnt() -> None:
    """A key with history numbers people differently ([PERSON_271] vs [PERSON_3]); the model
    must not learn or score those numbers, and masking keeps every offset valid."""
    from unreported.coding.classifier import SupervisedModel
    from unreported.redaction.store import unnumbered

    text = "[PERSON_271] from [LOCATION_12] said [ORGANIZATION] took the passport."
    masked = unnumbered(text)
    assert len(masked) == len(text) and masked.index("said") == text.index("said")
    assert "271" not in masked and "[PERSON]" in masked and "[ORGANIZATION]" in masked

    base = [f"[PERSON_{i}] {w} police" for i, w in enumerate(["told", "feared", "asked", "paid"] * 6)]
    renumbered = [t.replace("[PERSON_", "[PERSON_9") for t in base]
    Y = np.array([[i % 2] for i in range(len(base))])
    zeros = [0.0] * len(base)
    a = SupervisedModel(["F1"]).fit(_features(base, zeros), Y).predict_proba(_features(base, zeros))
    b = SupervisedModel(["F1"]).fit(_features(renumbered, zeros), Y).predict_proba(_features(renumbered, zeros))
    assert np.allclose(a, b)


def test_sentence_windows_split_long_units_only() -> None:
    from unreported.coding.classifier import WINDOW_CHARS, sentence_windows

    sentence = "We waited a long time at the station and nobody came to help us. "
    text = (sentence * 8).strip()
    windows = sentence_windows(text)
    assert len(windows) > 1
    assert all(e - s <= WINDOW_CHARS for s, e in windows)
    assert windows[0][0] == 0 and windows[-1][1] == len(text)
    assert all(a[1] < b[0] for a, b in zip(windows, windows[1:]))  # in order, no overlap
    assert sentence_windows(sentence.strip()) == []  # a short answer is its own only window


def _features(texts: list[str], lex: list[float]) -> Features:
    n = len(texts)
    return Features([f"u{i}" for i in range(n)], texts, ["en"] * n, np.array(lex, dtype=float).reshape(n, 1),
                    sparse.csr_matrix((n, 1)), np.zeros((n, 1)), np.zeros((n, 2)), np.zeros((n, 2)))


def test_take_keeps_the_windows_of_the_chosen_units_only() -> None:
    """Cross-validation subsets units with ``take``: a test transcript's windows must never reach
    the fit of its own fold."""
    f = replace(_features(["a", "b", "c"], [0, 0, 0]), windows=_features(["a1", "c1", "c2"], [0, 0, 0]),
                window_of=np.array([0, 2, 2]))
    sub = f.take([2, 0])
    assert sub.windows.texts == ["a1", "c1", "c2"] and sub.window_of.tolist() == [1, 0, 0]
    only_b = f.take([1])
    assert only_b.windows.texts == [] and only_b.window_of.tolist() == []


def test_windows_are_extra_training_rows_not_scored_rows() -> None:
    """Windows change the fit (short rows with their unit's codes), but only units get scores."""
    from unreported.coding.classifier import SupervisedModel

    texts = [f"the officer told everyone in the village story {i} about me" if i % 2 else f"we harvested apples {i}" for i in range(24)]
    Y = np.array([[i % 2] for i in range(24)])
    units = _features(texts, [i % 2 for i in range(24)])
    short = [t.split(" in the ")[0] if i % 2 else t for i, t in enumerate(texts)]
    with_windows = replace(units, windows=_features(short, [i % 2 for i in range(24)]), window_of=np.arange(24))
    plain = SupervisedModel(["F1"]).fit(units, Y).predict_proba(units)
    windowed = SupervisedModel(["F1"]).fit(with_windows, Y).predict_proba(with_windows)
    assert windowed.shape == plain.shape == (24, 1)
    assert not np.allclose(plain, windowed)


def test_autocoder_windows_keep_the_question_cue_of_their_unit() -> None:
    from unreported.coding.autocode import AutoCoder
    from unreported.coding.codebook import load_codebook
    from unreported.coding.embedding import EmbeddingScorer, HashingEncoder
    from unreported.coding.lexicon import Analyzer, Lexicon
    from unreported.config import PROJECT_ROOT, Study

    cb = load_codebook(Study.load(PROJECT_ROOT / "study.yml").codebook_path)
    coder = AutoCoder(cb, lexicon=Lexicon.from_codebook(cb, Analyzer(use_models=False)), scorer=EmbeddingScorer(cb, HashingEncoder()))
    long = " ".join(f"Sentence number {i} says that we stayed at home for a while and waited." for i in range(8))
    scored = coder.featurize(["a", "b"], [long, "Short."], ["en", "en"], contexts=["Did you go to the police?", None])
    f = coder.with_windows(scored.features)
    assert f.windows is not None and len(f.windows.ids) > 1 and set(f.window_of.tolist()) == {0}
    assert all(t in long for t in f.windows.texts)
    assert f.windows.cues[:, 1].tolist() == [scored.features.cues[0, 1]] * len(f.windows.ids)


def test_codebook_anchors_are_labelled_training_rows_in_every_language() -> None:
    """Every anchor of the codebook becomes a row labelled with its factor only, and it changes
    the fit: a model with anchors scores a Kyrgyz anchor's own phrasing higher for its factor."""
    from unreported.coding.autocode import AutoCoder
    from unreported.coding.classifier import SupervisedModel
    from unreported.coding.codebook import load_codebook
    from unreported.coding.embedding import EmbeddingScorer, HashingEncoder
    from unreported.coding.lexicon import Analyzer, Lexicon
    from unreported.config import PROJECT_ROOT, Study

    cb = load_codebook(Study.load(PROJECT_ROOT / "study.yml").codebook_path)
    coder = AutoCoder(cb, lexicon=Lexicon.from_codebook(cb, Analyzer(use_models=False)), scorer=EmbeddingScorer(cb, HashingEncoder()))
    anchors = coder.extra_rows()  # no coded examples: the anchors only
    expected = [(f.id, lang, text) for f in cb.factors for lang in cb.languages for text in f.anchors_for(lang)]
    assert anchors.features.texts == [t for _, _, t in expected]
    assert anchors.features.langs == [lang for _, lang, _ in expected]
    assert anchors.Y.sum(axis=1).tolist() == [1] * len(expected)
    assert [cb.codes[k] for k in anchors.Y.argmax(axis=1)] == [f for f, _, _ in expected]
    assert set(anchors.weight.tolist()) == {ANCHOR_WEIGHT}

    units = coder.featurize([f"u{i}" for i in range(24)], [f"we harvested apples in the garden {i}" for i in range(24)], ["en"] * 24).features
    Y = np.zeros((24, len(cb.codes)), dtype=int)
    Y[::2, 0] = 1  # F1 on half the (uninformative) units, other factors never
    probe = next(i for i, (f, lang, _) in enumerate(expected) if f == "F6" and lang == "ky")
    target = anchors.features.take([probe])
    plain = SupervisedModel(cb.codes).fit(units, Y).predict_proba(target)
    with_anchors = SupervisedModel(cb.codes).fit(units, Y, anchors).predict_proba(target)
    k = cb.codes.index("F6")
    assert plain[0, k] == 0.0  # never coded F6 without anchors: a constant
    assert with_anchors[0, k] > 0.5


def test_coded_examples_follow_the_anchors_with_their_codes_question_and_weight() -> None:
    """An example keeps all its codes (none, one or two), its question cue and EXAMPLE_WEIGHT."""
    from unreported.coding.autocode import AutoCoder
    from unreported.coding.codebook import load_codebook
    from unreported.coding.embedding import EmbeddingScorer, HashingEncoder
    from unreported.coding.examples import Example
    from unreported.coding.lexicon import Analyzer, Lexicon
    from unreported.config import PROJECT_ROOT, Study

    cb = load_codebook(Study.load(PROJECT_ROOT / "study.yml").codebook_path)
    examples = [
        Example(id="a", lang="en", question="Why did you not go to the police?", text="We were told they sell names.", codes=("F1", "F4")),
        Example(id="b", lang="ru", text="Мы собирали яблоки.", codes=()),
    ]
    coder = AutoCoder(
        cb, lexicon=Lexicon.from_codebook(cb, Analyzer(use_models=False)), scorer=EmbeddingScorer(cb, HashingEncoder()),
        examples=examples,
    )
    rows = coder.extra_rows()
    n_anchors = sum(len(f.anchors_for(lang)) for f in cb.factors for lang in cb.languages)
    assert rows.features.ids[n_anchors:] == ["example:a", "example:b"]
    assert rows.features.langs[n_anchors:] == ["en", "ru"]
    assert [[c for c, y in zip(cb.codes, r) if y] for r in rows.Y[n_anchors:]] == [["F1", "F4"], []]
    assert rows.weight[n_anchors:].tolist() == [EXAMPLE_WEIGHT] * 2
    assert rows.features.cues[n_anchors:, 1].tolist() == [1.0, 0.0]  # the question speaks of the police
