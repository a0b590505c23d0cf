"""The auto-coder on a held-out coding set it was not tuned on (tests/data/coding_heldout.jsonl).

Why: the coder's lexicon, classifier and thresholds were tuned on the bundled synthetic corpus
and its gold coding, so its cross-validated κ there (about 0.6 macro) says little about the
study's unseen transcripts. The held-out set holds 68 short fictional respondent answers per
language (en, ru, ky), each with the interviewer's question it answers, written from the
codebook's definitions without reading the bundled transcripts, their gold or the lexicon:
victims, NGO staff, police, prosecutors and lawyers; indirect speech, idioms, hedges, negation
("I was not afraid of the police, I just did not know where to go" is F2 only); about 28 % of the
answers carry no code (migration, work, health, family, praise of an NGO, violence during the
exploitation with no link to reporting) and about 16 % two codes; every factor has at least 8
positives per language. The model is the one `unreported code apply` uses: the coding stage's
trained model of the bundled corpus (output/coding/model.pkl), trained here in a temporary
study when it is absent or stale. The floors sit a little under the measured figures, so a change
that loses factors on unseen text fails here. Test output names units by id only, never by text.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
import yaml

from unreported.config import FACTOR_IDS, PROJECT_ROOT, Study
from unreported.reliability import reliability_table

HELDOUT = PROJECT_ROOT / "tests" / "data" / "coding_heldout.jsonl"
LANGS = ("en", "ru", "ky")
# measured (stage model of the bundled corpus on its adjudicated gold, trained on units, their
# sentence windows, the codebook's anchors and the coded examples of coding/examples/, question as
# context, rules blended in): macro κ en 0.76, ru 0.74, ky 0.57, all 0.70 (with 420 examples per
# language instead of 630: en 0.72, ru 0.67, ky 0.50, all 0.64). Without the coded examples: en
# 0.61, ru 0.59, ky 0.42, all 0.55; with two or three anchors per factor and language
# instead of four as well: en 0.59, ru 0.60, ky 0.39, all 0.54. On the author's gold before
# adjudication: en 0.56, ru 0.53, ky 0.39, all 0.51; without the anchors there: en 0.52, ru 0.56,
# ky 0.35, all 0.50; without the question 0.44. Trained on whole units only it was en 0.51, ru
# 0.36, ky 0.22, all 0.38.
MACRO_FLOOR = {"en": 0.70, "ru": 0.68, "ky": 0.51}
# measured: 51 (en), 38 (ru), 30 (ky) of 68 units get at least one code
MIN_CODED_UNITS = 12
# measured: pooled over the languages, the question as context adds 0.045 to macro κ (0.06 before
# the coded examples)
CONTEXT_SLACK = 0.02


def _records() -> list[dict]:
    return [json.loads(line) for line in HELDOUT.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_heldout_set_is_well_formed():
    """Unique ids, known codes, ≥ 60 answers and ≥ 8 positives per factor in each language."""
    records = _records()
    ids = [r["id"] for r in records]
    assert len(ids) == len(set(ids))
    for r in records:
        assert r["lang"] in LANGS and r["id"].startswith(f"ch-{r['lang']}-"), r["id"]
        assert isinstance(r["question"], str) and r["question"].strip(), r["id"]
        assert isinstance(r["text"], str) and r["text"].strip(), r["id"]
        assert set(r["codes"]) <= set(FACTOR_IDS) and len(set(r["codes"])) == len(r["codes"]), r["id"]
    for lang in LANGS:
        mine = [r for r in records if r["lang"] == lang]
        assert len(mine) >= 60, lang
        for f in FACTOR_IDS:
            assert sum(f in r["codes"] for r in mine) >= 8, (lang, f)
        uncoded = sum(not r["codes"] for r in mine) / len(mine)
        assert 0.2 <= uncoded <= 0.35, (lang, uncoded)  # codes must be earned: a coder that codes everything fails


def _train_in_temporary_study(study: Study, root: Path) -> Study:
    """Redact and code the bundled corpus as `unreported redact` + `unreported code` do, with
    output and key in ``root`` (the project's output/ and key stay untouched)."""
    from unreported.coding.stage import code_study
    from unreported.redaction.stage import redact_study

    base = yaml.safe_load(study.source.read_text(encoding="utf-8"))
    base.update(
        corpus=str(study.corpus_dir),
        output=str(root / "output"),
        key_file=str(root / "keys" / f"{base['name']}.key"),
        codebook=str(study.codebook_path),
        recommendations=str(study.recommendations_path),
        redaction_policy=str(study.policy_path),
    )
    if study.coding_examples_path is not None:
        base["coding_examples"] = str(study.coding_examples_path)
    (root / "study.yml").write_text(yaml.safe_dump(base, allow_unicode=True), encoding="utf-8")
    tmp_study = Study.load(root / "study.yml")
    redact_study(tmp_study, progress=False)
    code_study(tmp_study, progress=False)
    return tmp_study


@pytest.fixture(scope="module")
def coder(tmp_path_factory):
    from unreported.coding.autocode import AutoCoder
    from unreported.coding.codebook import load_codebook
    from unreported.coding.stage import load_trained

    study = Study.load(PROJECT_ROOT / "study.yml")
    codebook = load_codebook(study.codebook_path)
    c = AutoCoder(codebook)
    if not load_trained(study, codebook, c):
        trained = _train_in_temporary_study(study, tmp_path_factory.mktemp("coding-heldout"))
        assert load_trained(trained, codebook, c), "the coding stage wrote no usable model"
    assert c.mode == "supervised"
    return c


@pytest.fixture(scope="module")
def auto_codes(coder) -> dict[str, dict[str, set[str]]]:
    """Auto codes per unit id, with the question as context and without it."""
    from unreported.coding.stage import code_records

    study = Study.load(PROJECT_ROOT / "study.yml")
    records = _records()
    out = {}
    for mode in ("context", "no context"):
        recs = [
            {"id": r["id"], "lang": r["lang"], "text": r["text"], **({"context": r["question"]} if mode == "context" else {})}
            for r in records
        ]
        out[mode] = {o["id"]: {c["code"] for c in o["codes"]} for o in code_records(recs, study, coder=coder)}
    return out


def _table(auto: dict[str, set[str]], lang: str | None = None):
    records = [r for r in _records() if lang is None or r["lang"] == lang]
    gold = {r["id"]: set(r["codes"]) for r in records}
    return reliability_table({"heldout": gold, "auto": {u: auto[u] for u in gold}}, list(FACTOR_IDS)).set_index("code")


@pytest.mark.slow
@pytest.mark.parametrize("lang", LANGS)
def test_heldout_macro_kappa_per_language(auto_codes, lang):
    table = _table(auto_codes["context"], lang)
    kappas = {f: round(float(table.loc[f, "kappa"]), 3) for f in FACTOR_IDS}
    assert table.loc["macro", "kappa"] >= MACRO_FLOOR[lang], kappas


@pytest.mark.slow
@pytest.mark.parametrize("lang", LANGS)
def test_heldout_units_get_codes_in_every_language(auto_codes, lang):
    """Not silently empty: Russian and Kyrgyz units get codes too, not only English ones."""
    ids = [r["id"] for r in _records() if r["lang"] == lang]
    coded = [u for u in ids if auto_codes["context"][u]]
    assert len(coded) >= MIN_CODED_UNITS, (lang, len(coded))


@pytest.mark.slow
def test_no_factor_disagrees_beyond_chance(auto_codes):
    """κ may be near zero for a factor the coder misses in one language, never clearly negative;
    pooled over the languages every factor is found better than chance."""
    negative = []
    for lang in LANGS:
        table = _table(auto_codes["context"], lang)
        for f in FACTOR_IDS:
            high = float(table.loc[f, "kappa_high"])
            if not math.isnan(high) and high < 0:
                negative.append((lang, f, round(float(table.loc[f, "kappa"]), 3)))
    assert not negative
    pooled = _table(auto_codes["context"])
    assert all(pooled.loc[f, "kappa"] > 0 for f in FACTOR_IDS), pooled["kappa"].round(3).to_dict()


@pytest.mark.slow
def test_the_question_as_context_does_not_hurt(auto_codes):
    with_q = float(_table(auto_codes["context"]).loc["macro", "kappa"])
    without = float(_table(auto_codes["no context"]).loc["macro", "kappa"])
    assert with_q >= without - CONTEXT_SLACK, (round(with_q, 3), round(without, 3))
