"""A study with no coded turns yet: the model trained on the bundled coded examples and the
codebook's anchors alone, measured where it never trained.

Why: a replicating team starts with its own transcripts and no codes. The coding stage then
trains on the examples (coding/examples/) instead of falling back to the rules; these tests hold
it to that being better, on the bundled corpus's adjudicated gold turns (long transcript turns
the model has never seen, coded by people-style double coding) and on the held-out answers
(tests/data/coding_heldout.jsonl). Measured (seed 0, the question as context): on the gold turns
macro κ 0.597 (en 0.54, ru 0.65, ky 0.55) against 0.530 for the rules at the default threshold
(what a study without examples gets); on the held-out answers 0.704 (en 0.71, ru 0.75, ky 0.64).
Floors sit a little under.
Test output names units by id only, never by text.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from unreported.cache import read_jsonl
from unreported.config import FACTOR_IDS, PROJECT_ROOT, Study

GOLD = PROJECT_ROOT / "corpus" / "synthetic" / "gold" / "codes.jsonl"
HELDOUT = PROJECT_ROOT / "tests" / "data" / "coding_heldout.jsonl"
GOLD_FLOOR = 0.55
HELDOUT_FLOOR = {"en": 0.65, "ru": 0.69, "ky": 0.57}
# the examples model must beat the rules that a study without examples gets (default threshold)
MARGIN_OVER_RULES = 0.04


@pytest.fixture(scope="module")
def trained():
    from unreported.coding.autocode import AutoCoder
    from unreported.coding.codebook import load_codebook
    from unreported.coding.stage import study_examples

    study = Study.load(PROJECT_ROOT / "study.yml")
    codebook = load_codebook(study.codebook_path)
    coder = AutoCoder(codebook, examples=study_examples(study, codebook))
    calibration = coder.train_on_examples(seed=study.config.seed)
    return study, coder, calibration


def _gold_turns() -> tuple[list[dict], list[str | None]]:
    """Respondent turns of the gold file, each with the interviewer's turn before it."""
    turns, questions, last = [], [], {}
    for r in read_jsonl(GOLD):
        if r["role"] in ("interviewer", "moderator"):
            last[r["doc"]] = r["text"]
        elif r["text"].strip():
            turns.append(r)
            questions.append(last.get(r["doc"]))
    return turns, questions


def _macro(gold: list[set[str]], auto: list[set[str]]) -> float:
    from unreported.coding.classifier import kappa

    return float(np.mean([kappa([f in g for g in gold], [f in a for a in auto]) for f in FACTOR_IDS]))


@pytest.mark.slow
def test_the_examples_model_codes_unseen_transcript_turns_better_than_the_rules(trained) -> None:
    from unreported.coding.autocode import AutoCoder

    _, coder, calibration = trained
    assert calibration["examples_cv"]["all"]["macro_kappa"] > 0.5
    turns, questions = _gold_turns()
    scored = coder.featurize([t["id"] for t in turns], [t["text"] for t in turns], [t["lang"] for t in turns], contexts=questions)
    gold = [set(t["codes"]) for t in turns]
    codes = coder.codebook.codes
    auto = [{codes[k] for k in np.flatnonzero(row)} for row in coder.scores(scored) >= np.array(coder.thresholds)]
    rules = [{codes[k] for k in np.flatnonzero(row)} for row in AutoCoder.rule_scores(scored.features) >= 0.5]
    model_k, rules_k = _macro(gold, auto), _macro(gold, rules)
    assert model_k >= GOLD_FLOOR, round(model_k, 3)
    assert model_k >= rules_k + MARGIN_OVER_RULES, (round(model_k, 3), round(rules_k, 3))


@pytest.mark.slow
@pytest.mark.parametrize("lang", ("en", "ru", "ky"))
def test_the_examples_model_on_the_heldout_answers(trained, lang) -> None:
    from unreported.coding.stage import code_records

    study, coder, _ = trained
    records = [json.loads(line) for line in HELDOUT.read_text(encoding="utf-8").splitlines() if line.strip()]
    records = [r for r in records if r["lang"] == lang]
    out = code_records([{"id": r["id"], "text": r["text"], "lang": lang, "context": r["question"]} for r in records], study, coder=coder)
    macro = _macro([set(r["codes"]) for r in records], [{c["code"] for c in o["codes"]} for o in out])
    assert macro >= HELDOUT_FLOOR[lang], round(macro, 3)
