"""Topic modelling: text preparation, codebook seeds, alignment, reproducibility, the stage
and the CLI. Fast: the fits here use the TF-IDF + SVD backend (no sentence model)."""

from __future__ import annotations

import json
import logging
import random
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from unreported.cli import _build_app
from unreported.config import FACTOR_IDS, Study
from unreported.errors import ConfigError, UnreportedError
from unreported.topics import align as A
from unreported.topics.model import TopicFit, TopicInfo, TopicSettings, fit_topics
from unreported.topics.seeds import load_factor_texts
from unreported.topics.stage import OUTPUTS, load_settings, read_units, run_topics
from unreported.topics.text import Analyzer, Tokenizer, clean, stopwords

THEMES = {
    "debt": ["I owed them money for the ticket and the flat", "the debt kept growing every month",
             "they said I must work off the debt", "every fine was added to what I owed",
             "I could never pay back the loan", "my wages went to the debt they counted"],
    "online": ["I found the job advert on Instagram", "a woman wrote to me on WhatsApp about work abroad",
               "the vacancy was posted in a Telegram channel", "she sent photos of the hotel through the app",
               "we only talked online and I never saw an office", "the recruiter profile vanished from the internet"],
    "police": ["the police officer laughed at me", "they asked for a bribe to open the case",
               "the investigator refused to register my complaint", "I do not trust the police at all",
               "the officers are connected with the traffickers", "the inspector said it was my own fault"],
    "threat": ["they threatened to kill my children", "he said he knew where my parents live",
               "I am afraid for my safety", "nobody would protect me as a witness",
               "they came to our house and threatened my mother", "I feared revenge if I spoke"],
}
FAST = {"embedding": {"en": "tfidf-svd", "ru": "tfidf-svd"}}


def make_units(n: int, seed: int = 1, lang: str = "en") -> list[dict]:
    rng = random.Random(seed)
    names = list(THEMES)
    out = []
    for i in range(n):
        theme = names[i % len(names)]
        text = ". ".join(rng.sample(THEMES[theme], 3)) + ". [PERSON_03] was there."
        out.append({"id": f"{lang}-{i:04d}", "text": text, "lang": lang, "theme": theme,
                    "group": ("VoT", "CSO", "police")[i % 3], "doc": f"D{i % 7}"})
    return out


@pytest.fixture(scope="module")
def units() -> list[dict]:
    return make_units(120)


@pytest.fixture(scope="module")
def fits(units):
    """Two fits with the same seed and one with another seed (fitted once per module)."""
    ids, texts, langs = [u["id"] for u in units], [u["text"] for u in units], [u["lang"] for u in units]
    a = fit_topics(ids, texts, langs, TopicSettings(seed=5, **FAST))
    b = fit_topics(ids, texts, langs, TopicSettings(seed=5, **FAST))
    return a, b


# --- text ---------------------------------------------------------------------------------

def test_clean_drops_redaction_placeholders() -> None:
    assert clean("I met [PERSON] in [LOCATION_12],\n then  [PHONE_NUMBER].") == "I met in , then ."


def test_analyzer_makes_bigrams_only_of_adjacent_content_words() -> None:
    grams = Analyzer("en")("my family would be ashamed of the forged passport")
    assert "forged passport" in grams
    assert "family ashamed" not in grams
    assert "the" not in grams and "would" not in grams


def test_russian_keywords_are_lemmas_and_stop_words_go() -> None:
    assert Tokenizer("ru")("Я не могла отдать долги, долгов было много") == ["отдать", "долг", "долг"]


@pytest.mark.parametrize("lang", ["en", "ru", "ky"])
def test_stop_word_lists_ship_for_each_language(lang: str) -> None:
    assert len(stopwords(lang)) > 100
    assert not any(w.startswith("#") for w in stopwords(lang))


# --- codebook seeds ------------------------------------------------------------------------

def test_seed_words_and_definitions_come_from_the_codebook(tmp_path: Path) -> None:
    cb = tmp_path / "codebook.yml"
    cb.write_text(yaml.safe_dump({"factors": [
        {"id": "F4", "name": {"en": "Distrust", "ru": "Недоверие"},
         "definition": {"en": "The police cannot be trusted."},
         "indicators": ["bribe, corruption, do not trust the police"],
         "anchors": {"ru": ["Полиция берёт взятки."]}},
        {"id": "X9", "name": "not a factor"},
    ]}, allow_unicode=True), encoding="utf-8")
    [f4] = load_factor_texts(cb)
    assert f4.id == "F4"
    assert f4.seed_words("en") == ["bribe", "corruption", "do not trust the police"]
    assert "взятка" in f4.seed_words("ru") and "недоверие" in f4.seed_words("ru")
    assert f4.description("en") == "Distrust: The police cannot be trusted."
    assert f4.description("ky") is None


def test_missing_codebook_falls_back_with_a_message(tmp_path: Path, caplog) -> None:
    with caplog.at_level(logging.WARNING):
        assert load_factor_texts(tmp_path / "nope.yml") == []
    assert "fall back to unguided" in caplog.text


def test_guided_mode_without_seeds_is_reported_as_unguided(units) -> None:
    sub = units[:60]
    fit = fit_topics([u["id"] for u in sub], [u["text"] for u in sub], ["en"] * 60,
                     TopicSettings(mode="guided", **FAST), factors=[])
    assert fit.runs[0].mode == "unguided" and "no seed words" in fit.runs[0].mode_note


# --- fitting -------------------------------------------------------------------------------

def test_same_seed_gives_identical_assignments_and_keywords(fits) -> None:
    a, b = fits
    assert a.topics == b.topics and a.labels == b.labels
    assert {t: i.keywords for t, i in a.info.items()} == {t: i.keywords for t, i in b.info.items()}
    assert {t: i.quotes for t, i in a.info.items()} == {t: i.quotes for t, i in b.info.items()}


def test_topics_are_numbered_by_size_and_labelled(fits) -> None:
    a, _ = fits
    sizes = [a.info[t].size for t in sorted(a.info)]
    assert sizes == sorted(sizes, reverse=True)
    assert len(a.info) >= 2
    for t, lab in zip(a.topics, a.labels):
        assert lab.startswith(f"{t}_")
        assert (lab == "-1_outlier") == (t == -1)
    for info in a.info.values():
        assert info.keywords and all("person" not in k for k in info.keywords)
        members = {u for u, t in zip(a.ids, a.topics) if t == info.topic}
        assert 1 <= len(info.quotes) <= 3 and {u for u, _ in info.quotes} <= members


def test_small_languages_are_pooled_into_one_model() -> None:
    recs = make_units(60) + make_units(12, seed=2, lang="ru") + make_units(12, seed=3, lang="ky")
    fit = fit_topics([r["id"] for r in recs], [r["text"] for r in recs], [r["lang"] for r in recs],
                     TopicSettings(min_units_per_language=30, **FAST))
    keys = sorted(r.lang for r in fit.runs)
    assert keys == ["en", "ky+ru"]
    assert all(r.backend["backend"] == "tfidf-svd" for r in fit.runs)
    assert any("ky+ru" in lab for lab in fit.labels)


def test_hdbscan_finding_nothing_falls_back_to_kmeans(units, caplog) -> None:
    sub = units[:60]
    with caplog.at_level(logging.WARNING):
        fit = fit_topics([u["id"] for u in sub], [u["text"] for u in sub], ["en"] * 60,
                         TopicSettings(hdbscan_min_cluster_size=59, hdbscan_min_samples=30, **FAST))
    assert fit.runs[0].clustering == "KMeans" and "refitting with KMeans" in caplog.text
    assert len(fit.info) >= 2


def test_too_few_units_is_a_clear_error() -> None:
    with pytest.raises(UnreportedError, match="at least 3 units"):
        fit_topics(["a", "b"], ["x y", "y z"], ["en", "en"], TopicSettings(**FAST))


# --- alignment -----------------------------------------------------------------------------

def _toy_fit() -> TopicFit:
    ids = ["u1", "u2", "u3", "u4", "u5", "u6"]
    topics = [0, 0, 0, 1, 1, -1]
    info = {0: TopicInfo(0, "en", 3, ["police"], [("u1", "q")], "0_police"),
            1: TopicInfo(1, "en", 2, ["debt"], [("u4", "q")], "1_debt")}
    labels = ["0_police"] * 3 + ["1_debt"] * 2 + ["-1_outlier"]
    return TopicFit(ids=ids, topics=topics, labels=labels, info=info)


def test_alignment_shares_best_factor_and_emergent() -> None:
    codes = A.unit_factors([{"unit": "u1", "code": "F4"}, {"unit": "u2", "code": "F4.bribe"},
                            {"unit": "u2", "code": "F1"}, {"unit": "u4", "code": "F6"},
                            {"unit": "u3", "code": "OTHER"}])
    al = A.alignment(_toy_fit(), codes, emergent_below=0.6)
    row0, row1 = al.iloc[0], al.iloc[1]
    assert row0["F4"] == pytest.approx(2 / 3, abs=1e-3) and row0["F1"] == pytest.approx(1 / 3, abs=1e-3)
    assert row0["best_factor"] == "F4" and not row0["emergent"]
    assert row0["uncoded"] == pytest.approx(1 / 3, abs=1e-3)
    assert row1["best_share"] == 0.5 and row1["emergent"] and row1["best_factor"] == ""
    assert list(al.columns[4:11]) == list(FACTOR_IDS)


def test_topics_by_group_shares_sum_to_one_per_group() -> None:
    groups = {"u1": "VoT", "u2": "VoT", "u3": "CSO", "u4": "VoT", "u5": "CSO", "u6": "CSO"}
    bg = A.by_group(_toy_fit(), groups)
    for _, g in bg.groupby("group"):
        assert g["share_of_group"].sum() == pytest.approx(1.0, abs=1e-3)
    assert int(bg[(bg.topic == 0) & (bg.group == "VoT")]["units"].iloc[0]) == 2


# --- inputs and settings -------------------------------------------------------------------

def test_bad_unit_records_name_file_and_line(tmp_path: Path) -> None:
    p = tmp_path / "in.jsonl"
    p.write_text('{"id": "a", "text": "x"}\n{"id": "b"}\n', encoding="utf-8")
    with pytest.raises(UnreportedError, match=r"in\.jsonl:2: record 2: 'text' must be a string"):
        read_units(p, default_lang="en")
    p.write_text('{"id": "a", "text": "x"}\n{"id": "a", "text": "y"}\n', encoding="utf-8")
    with pytest.raises(UnreportedError, match="duplicate id"):
        read_units(p, default_lang="en")
    p.write_text('{"id": "a", "text": "x"}\n', encoding="utf-8")
    with pytest.raises(UnreportedError, match="'lang' is missing"):
        read_units(p)


def test_invalid_settings_are_config_errors(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="mode"):
        load_settings(None, mode="supervised")
    bad = tmp_path / "topics.yml"
    bad.write_text("clustering: spectral\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="topics.yml.*clustering"):
        load_settings(bad)


# --- the stage and the CLI -----------------------------------------------------------------

def _study(tmp_path: Path, recs: list[dict], codes: list[dict]) -> Study:
    (tmp_path / "study.yml").write_text(
        "name: t\ncountry: KG\nlanguages: [en]\noutput: out\ncodebook: none.yml\nseed: 3\n", encoding="utf-8")
    coding = tmp_path / "out" / "coding"
    coding.mkdir(parents=True)
    (coding / "units.jsonl").write_text("".join(json.dumps(r) + "\n" for r in recs), encoding="utf-8")
    (coding / "codes.jsonl").write_text("".join(json.dumps(c) + "\n" for c in codes), encoding="utf-8")
    return Study.load(tmp_path / "study.yml")


def test_stage_writes_every_output_deterministically_and_caches(tmp_path: Path, units) -> None:
    codes = [{"unit": u["id"], "code": "F4", "score": 1.0, "evidence": "", "method": "gold"}
             for u in units if u["theme"] == "police"]
    study = _study(tmp_path, units, codes)
    settings = TopicSettings(seed=3, **FAST)
    first = run_topics(study, settings)
    assert not first.skipped
    snapshot = {o: (first.out_dir / o).read_bytes() for o in OUTPUTS}
    assert run_topics(study, settings).skipped
    again = run_topics(study, settings, force=True)
    assert not again.skipped
    assert {o: (again.out_dir / o).read_bytes() for o in OUTPUTS} == snapshot
    m = json.loads(snapshot["run_manifest.json"])
    assert m["seed"] == 3 and m["versions"]["bertopic"] and set(m["inputs_sha256"]) == {"units.jsonl", "codes.jsonl"}
    import pandas as pd

    al = pd.read_csv(first.out_dir / "alignment.csv")
    assert (al["best_factor"] == "F4").any() and al.loc[al["best_factor"] == "F4", "F4"].max() >= 0.5
    assert al["emergent"].any()  # the debt / online / threat units carry no code


def test_stage_without_coding_output_says_what_to_run(tmp_path: Path) -> None:
    (tmp_path / "study.yml").write_text("name: t\ncountry: KG\nlanguages: [en]\noutput: out\n", encoding="utf-8")
    with pytest.raises(UnreportedError, match="run `unreported code` first"):
        run_topics(Study.load(tmp_path / "study.yml"))


def test_cli_fit_adds_topic_and_label(tmp_path: Path, units) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text("".join(json.dumps({"id": u["id"], "text": u["text"]}) + "\n" for u in units), encoding="utf-8")
    cfg = tmp_path / "topics.yml"
    cfg.write_text(yaml.safe_dump(FAST), encoding="utf-8")
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(_build_app(), ["topics", "fit", str(src), "-o", str(out), "--seed", "9",
                                               "--settings", str(cfg)])
    assert result.exit_code == 0, result.output
    recs = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in recs] == [u["id"] for u in units]
    assert all(isinstance(r["topic"], int) and r["topic_label"].startswith(f"{r['topic']}_") for r in recs)
    assert len({r["topic"] for r in recs} - {-1}) >= 2
