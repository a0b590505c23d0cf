"""End-to-end redaction of a tiny fictional study (loads spaCy and natasha once per module)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from unreported.config import Study
from unreported.corpus import parse_turns
from unreported.errors import RedactionError
from unreported.redaction import store
from unreported.redaction.leakcheck import check_paths
from unreported.redaction.stage import Redactor, redact_study

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[1]

TEXTS = {
    "EN-01": ("en", "# FICTIONAL\nInterviewer: What is your name?\nRespondent: My name is Aigul Toktogulova. "
              "My brother Nurlanbek took me to Moscow.\nCall +996 555 123 456 or write aigul.t@mail.kg.\n"
              "Interviewer: And then?\nRespondent: Aigul's passport AN1234567 was taken in Russia.\n"),
    "RU-01": ("ru", "Интервьюер: Как вас зовут?\nРеспондент: Меня зовут Айгуль, я жила на ул. Ленина 12, кв. 5.\n"
              "Интервьюер: Кто вас увёз?\nРеспондент: Муж, Бакыт Асанов. Айгулю было страшно, телефон 0555 123 456.\n"),
    "KY-01": ("ky", "Маектешүүчү: Атыңыз ким?\nКатышуучу 2: Менин атым Жыргал Асанбекова, Токмоктон келдим.\n"
              "Маектешүүчү: Анан?\nКатышуучу 2: Агам Нурлан Асанбеков мени Казакстанга алып кетти. @jyrgal_kg\n"),
}


def _make_study(tmp: Path, extra_bad: bool = False) -> Study:
    corpus = tmp / "corpus"
    corpus.mkdir()
    rows = ["id,file,kind,respondent_group,language,region,date,consent"]
    for doc_id, (lang, text) in TEXTS.items():
        (corpus / f"{doc_id}.txt").write_text(text, encoding="utf-8")
        rows.append(f"{doc_id},{doc_id}.txt,IDI,VoT,{lang},Chui,2021-03-02,yes")
    if extra_bad:
        (corpus / "BAD-01.txt").write_bytes(b"\x00\x01binary")
        rows.append("BAD-01,BAD-01.txt,IDI,VoT,en,Chui,2021-03-02,yes")
    (corpus / "manifest.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    shutil.copytree(ROOT / "redaction", tmp / "redaction")
    (tmp / "study.yml").write_text(
        "name: t\ncountry: KG\nlanguages: [en, ru, ky]\ncorpus: corpus\nsynthetic: true\n"
        "key_file: key/t.key\noutput: output\n", encoding="utf-8")
    return Study.load(tmp / "study.yml")


@pytest.fixture(scope="module")
def redactor(tmp_path_factory):
    study = _make_study(tmp_path_factory.mktemp("proto"))
    return Redactor.for_study(study)


@pytest.fixture(scope="module")
def done(tmp_path_factory, redactor):
    tmp = tmp_path_factory.mktemp("study")
    study = _make_study(tmp)
    redactor.keystore.path = study.key_path
    summary = redact_study(study, progress=False, redactor=redactor)
    return study, summary


def test_every_transcript_redacted_with_structure_kept(done):
    study, summary = done
    assert summary["documents"] == 3 and not summary["quarantined"]
    for doc in store.iter_redacted(study.redacted_dir):
        original = (study.corpus_dir / f"{doc.id}.txt").read_text(encoding="utf-8")
        a, b = parse_turns(original), parse_turns(doc.text)
        assert [t.speaker for t in a] == [t.speaker for t in b]
        assert original.count("\n") == doc.text.count("\n")
        assert all(doc.text[r["start"]:r["end"]] == r["replacement"] for r in doc.audit)


@pytest.mark.parametrize("doc_id,secret", [
    ("EN-01", "Toktogulova"), ("EN-01", "+996 555 123 456"), ("EN-01", "aigul.t@mail.kg"), ("EN-01", "AN1234567"),
    ("EN-01", "Aigul"), ("RU-01", "Айгул"), ("RU-01", "Ленина"), ("RU-01", "Асанов"), ("RU-01", "123 456"),
    ("KY-01", "Жыргал"), ("KY-01", "Асанбек"), ("KY-01", "jyrgal_kg"),
])
def test_identifiers_are_gone(done, doc_id, secret):
    study, _ = done
    assert secret not in store.text_path(study.redacted_dir, doc_id).read_text(encoding="utf-8")


def test_countries_and_labels_kept(done):
    study, _ = done
    en = store.text_path(study.redacted_dir, "EN-01").read_text(encoding="utf-8")
    ky = store.text_path(study.redacted_dir, "KY-01").read_text(encoding="utf-8")
    assert "Russia" in en and "Respondent:" in en and "Катышуучу 2:" in ky and "Казакстан" in ky


def test_same_person_same_pseudonym_across_scripts(done):
    study, _ = done
    en = store.text_path(study.redacted_dir, "EN-01").read_text(encoding="utf-8")
    assert en.count("[PERSON_01]") >= 2


def test_rerun_is_byte_identical_and_cached(done, redactor):
    study, _ = done
    before = {p.name: p.read_bytes() for p in study.redacted_dir.glob("*") if p.is_file()}
    summary = redact_study(study, progress=False, redactor=redactor)
    assert summary["reused"] == 3
    shutil.rmtree(study.redacted_dir)
    redact_study(study, progress=False, redactor=redactor)
    after = {p.name: p.read_bytes() for p in study.redacted_dir.glob("*") if p.is_file()}
    assert before == after


def test_leak_check_passes_then_fails_on_a_missed_name(done):
    study, _ = done
    assert check_paths(study) == []
    p = store.text_path(study.redacted_dir, "RU-01")
    original = p.read_text(encoding="utf-8")
    try:
        p.write_text(original.replace("[PERSON_", "Асанов [PERSON_", 1), encoding="utf-8")
        hits = check_paths(study, [p])
        assert hits and hits[0].label == "PERSON" and "Асанов" not in str(hits[0])
    finally:
        p.write_text(original, encoding="utf-8")


@pytest.mark.slow
def test_workers_give_the_same_bytes(tmp_path, done):
    """Detection in two processes; numbering stays in manifest order, so the outputs match."""
    seq_study, _ = done
    study = _make_study(tmp_path)
    summary = redact_study(study, progress=False, workers=2)
    assert summary["documents"] == 3 and not summary["quarantined"]
    for name in ("EN-01.txt", "RU-01.txt", "KY-01.txt", "EN-01.audit.jsonl", "KY-01.audit.jsonl"):
        assert (study.redacted_dir / name).read_bytes() == (seq_study.redacted_dir / name).read_bytes()


def test_failing_transcript_is_quarantined(tmp_path, redactor):
    study = _make_study(tmp_path, extra_bad=True)
    redactor.keystore.path = study.key_path
    with pytest.raises(RedactionError, match="quarantined"):
        redact_study(study, progress=False, redactor=redactor)
    index = json.loads((study.redacted_dir / "index.json").read_text(encoding="utf-8"))
    assert [q["id"] for q in index["quarantined"]] == ["BAD-01"]
    assert not (study.redacted_dir / "BAD-01.txt").exists()
    assert len(index["documents"]) == 3


@pytest.mark.parametrize(
    ("lang", "text", "generic"),
    [
        ("en", "Respondent: The office of the Ministry sent us to Training at the Academy, then South.", ["Ministry", "Training", "Academy", "South", "The office"]),
        ("ky", "Катышуучу: «Адам сатуу» деген сөздү Орусияда уктум. Коопсуздук жок, Тергөөчү келди.", ["Адам сатуу", "Орусияда", "Коопсуздук", "Тергөөчү"]),
        ("ru", "Респондент: Я работала в России, потом пришла в Министерство, там Академия МВД.", ["России", "Министерство", "Академия"]),
        ("kk", "Қатысушы: Ресейде жұмыс істедім. Ішкі істер министрлігі мен Көші-қон қызметі көмектеспеді. Бүгін сотқа бардық.",
         ["Ресейде", "Ішкі", "министрлігі", "Көші-қон", "қызметі", "Бүгін", "сотқа"]),
    ],
    ids=["en", "ky", "ru", "kk"],
)
def test_generic_words_quoted_phrases_and_countries_are_not_pii(redactor, lang, text, generic):
    spans = redactor.detector.detect(text, lang)
    found = [text[s.start : s.end] for s in spans]
    assert not [g for g in generic if any(g in f for f in found)], [s.label for s in spans]


def test_kazakh_names_found_and_told_from_places_and_units(redactor):
    """Fictional Kazakh: a name after a kinship cue, a place after it is a place, a police unit named by its town is redacted."""
    text = "Күйеуім Асқар Алматыда жұмыс істейді. Әпкем Тараз қалалық полиция басқармасына барды."
    got = {(text[s.start : s.end], s.label) for s in redactor.detector.detect(text, "kk")}
    assert got == {("Асқар", "PERSON"), ("Алматыда", "LOCATION"), ("Тараз қалалық полиция басқармасына", "ORGANIZATION")}, \
        sorted(label for _, label in got)


def test_named_people_still_found_next_to_generic_words(redactor):
    text = "Катышуучу: Коопсуздук жок. Нуриза Асанова мени Орусияга алып кетти."
    found = [text[s.start : s.end] for s in redactor.detector.detect(text, "ky") if s.label == "PERSON"]
    assert any("Нуриза" in f for f in found)
