"""The coding stage end to end on a small redacted corpus, with model-free scorers:
outputs and their fields, determinism, training with grouped CV, fail-closed input, `code apply`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from unreported.cache import read_jsonl, sha256_file, write_json
from unreported.coding.autocode import AutoCoder
from unreported.coding.codebook import load_codebook
from unreported.coding.embedding import EmbeddingScorer, HashingEncoder
from unreported.coding.lexicon import Analyzer, Lexicon
from unreported.coding.stage import code_records, code_study, guess_language, questions_of
from unreported.config import Study
from unreported.errors import RedactionError, UnreportedError

SAYINGS = {
    "F1": "If I go to the police the whole village will know, they cannot keep anything confidential.",
    "F2": "I did not know my rights or where to complain.",
    "F3": "I was afraid they would put me in jail because my passport was forged.",
    "F4": "I do not trust the police, they took a bribe from the recruiter.",
    "F5": "The recruiter threatened to kill my mother if I spoke.",
    "F6": "His family returned the money and we agreed to withdraw the complaint.",
    "F7": "They re-qualified the case as fraud under another article.",
}
FILLER = ["We talked about the weather and the harvest.", "My sister studies at school.", "The bus was late again."]


def _doc(i: int) -> tuple[str, list[list[str]]]:
    lines, codes = ["# FICTIONAL", ""], []
    factors = list(SAYINGS)
    for t in range(4):
        lines.append(f"Interviewer: Question {t}?")
        f = factors[(i + t) % 7]
        if t == 3:
            lines.append(f"Respondent: {FILLER[i % 3]}")
            codes.append([])
        else:
            lines.append(f"Respondent: {FILLER[t % 3]} {SAYINGS[f]}")
            codes.append([f])
    return "\n".join(lines) + "\n", codes


@pytest.fixture()
def study(tmp_path: Path, project_root: Path) -> Study:
    corpus = tmp_path / "corpus"
    (corpus / "gold").mkdir(parents=True)
    red = tmp_path / "output" / "redacted"
    red.mkdir(parents=True)
    docs, gold = [], []
    for i in range(6):
        did = f"D{i}"
        text, codes = _doc(i)
        (red / f"{did}.txt").write_text(text, encoding="utf-8")
        (red / f"{did}.audit.jsonl").write_text("", encoding="utf-8")
        docs.append({"id": did, "language": "en", "respondent_group": ["VoT", "CSO", "police"][i % 3], "kind": "IDI",
                     "text_sha256": sha256_file(red / f"{did}.txt"), "audit_sha256": sha256_file(red / f"{did}.audit.jsonl")})
        for t, cs in enumerate(codes):
            gold.append({"id": f"{did}#{2 * t + 1:03d}", "doc": did, "lang": "en", "speaker": "Respondent", "role": "respondent",
                         "group": "VoT", "text": "", "codes": cs})
    write_json(red / "index.json", {"documents": docs})
    (corpus / "gold" / "codes.jsonl").write_text("".join(json.dumps(g) + "\n" for g in gold), encoding="utf-8")
    (tmp_path / "study.yml").write_text(
        f"name: t\ncountry: KG\nlanguages: [en]\ncorpus: corpus\noutput: output\n"
        f"codebook: {project_root / 'coding/codebook.yml'}\nrecommendations: {project_root / 'coding/recommendations.yml'}\n",
        encoding="utf-8",
    )
    return Study.load(tmp_path / "study.yml")


def _coder(study: Study) -> AutoCoder:
    cb = load_codebook(study.codebook_path)
    return AutoCoder(cb, lexicon=Lexicon.from_codebook(cb, Analyzer(use_models=False)), scorer=EmbeddingScorer(cb, HashingEncoder()))


def test_stage_writes_the_data_contract(study: Study) -> None:
    summary = code_study(study, progress=False, coder=_coder(study))
    out = study.coding_dir
    units = read_jsonl(out / "units.jsonl")
    assert len(units) == 6 * 4 and summary["units"] == 24
    assert set(units[0]) == {"id", "doc", "turn", "part", "lang", "group", "kind", "speaker", "role", "start", "end", "text"}
    text = (study.redacted_dir / "D0.txt").read_text(encoding="utf-8")
    assert all(text[u["start"] : u["end"]] == u["text"] for u in units if u["doc"] == "D0")
    codes = read_jsonl(out / "codes.jsonl")
    assert codes and all(set(c) == {"unit", "code", "score", "evidence", "method"} for c in codes)
    by_unit = {u["id"]: u["text"] for u in units}
    assert all(c["evidence"] in by_unit[c["unit"]] for c in codes)
    cal = json.loads((out / "calibration.json").read_text(encoding="utf-8"))
    assert cal["mode"] == "supervised" and cal["grouped_by"] == "transcript"
    assert set(cal["methods"]) == {"lexicon", "embedding", "rules", "supervised"}
    assert set(cal["thresholds"]) == set(SAYINGS)
    rel = (out / "reliability.csv").read_text(encoding="utf-8")
    assert rel.startswith("comparison,code,") and "auto vs gold" in rel
    for name in ("project.qdpx", "codebook.qdc", "coding_sheet.xlsx", "model.pkl"):
        assert (out / name).is_file()


def test_stage_is_deterministic_and_cached(study: Study) -> None:
    code_study(study, progress=False, coder=_coder(study))
    out = study.coding_dir
    first = {n: (out / n).read_bytes() for n in ("units.jsonl", "codes.jsonl", "calibration.json", "reliability.csv")}
    assert code_study(study, progress=False, coder=_coder(study)).get("skipped")
    code_study(study, progress=False, coder=_coder(study), force=True)
    assert {n: (out / n).read_bytes() for n in first} == first


def test_unaudited_input_is_refused(study: Study) -> None:
    (study.redacted_dir / "D2.audit.jsonl").unlink()
    with pytest.raises(RedactionError, match="no audit"):
        code_study(study, progress=False, coder=_coder(study))


def test_apply_codes_free_records_and_checks_input(study: Study, tmp_path: Path) -> None:
    recs = [{"id": "x", "text": SAYINGS["F5"]}, {"id": "y", "text": "Nothing to see here.", "lang": "en"}]
    out = code_records(recs, study, coder=_coder(study))  # no trained model yet: rule scores
    assert out[0]["lang"] == "en" and "F5" in {c["code"] for c in out[0]["codes"]}
    assert all(set(c) == {"code", "score", "evidence", "method"} for r in out for c in r["codes"])
    with pytest.raises(UnreportedError, match=r"in\.jsonl:2: each record needs"):
        code_records([{"id": "a", "text": "t"}, {"id": "b"}], study, path=tmp_path / "in.jsonl", coder=_coder(study))
    with pytest.raises(UnreportedError, match=r"in\.jsonl:1: \"context\" must be a string"):
        code_records([{"id": "a", "text": "t", "context": 3}], study, path=tmp_path / "in.jsonl", coder=_coder(study))


def test_units_in_a_language_the_codebook_lacks_are_named_not_silently_uncoded(study: Study, caplog) -> None:
    recs = [{"id": "k1", "text": "Полицияға бармадым, қорықтым.", "lang": "kk"},
            {"id": "k2", "text": "Құқығымды білмедім.", "lang": "kk"}, {"id": "e", "text": SAYINGS["F2"], "lang": "en"}]
    with caplog.at_level("WARNING", logger="unreported.coding.stage"):
        code_records(recs, study, coder=_coder(study))
    warnings = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert any("2 unit(s) in 'kk'" in w and "codebook.yml" in w for w in warnings), warnings
    assert not any("'en'" in w for w in warnings)
    assert all("Полиция" not in w for w in warnings)  # counts, never the text


def test_guess_language() -> None:
    assert guess_language("I was afraid.") == "en"
    assert guess_language("Я боялась полиции.") == "ru"
    assert guess_language("Мен милицияга ишенбейм, алар өздөрү күнөөлүү.") == "ky"


def test_cli_apply_reports_a_bad_line_cleanly(study: Study, tmp_path: Path) -> None:
    import subprocess
    import sys

    bad = tmp_path / "in.jsonl"
    bad.write_text('{"id": "a", "text": "secret words"}\n{"id": "b", "text": 5}\n', encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-c", "from unreported.cli import main; main()", "code", "apply", str(bad), "-o", str(tmp_path / "o.jsonl"), "--study", str(study.source)],
        capture_output=True, text=True, timeout=120,
    )
    assert proc.returncode == 1
    assert f"{bad}:2" in proc.stderr and "secret words" not in proc.stderr + proc.stdout
    assert not (tmp_path / "o.jsonl").exists()


def test_coded_examples_train_the_model_and_a_changed_file_retrains_it(study: Study, caplog) -> None:
    """coding_examples in study.yml: counted in the calibration, part of the stage's inputs, and a
    model trained with other examples is not used by `code apply`."""
    from unreported.coding.stage import load_trained

    examples = study.base_dir / "coding" / "examples.jsonl"
    examples.parent.mkdir()
    rows = [{"id": "e1", "lang": "en", "question": "Why not?", "text": SAYINGS["F5"], "codes": ["F5"]},
            {"id": "e2", "lang": "en", "text": FILLER[0], "codes": []}]
    examples.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    study.source.write_text(study.source.read_text(encoding="utf-8") + "coding_examples: coding/examples.jsonl\n", encoding="utf-8")
    study = Study.load(study.source)
    summary = code_study(study, progress=False, coder=_coder(study))
    assert (summary["training_units"], summary["training_examples"]) == (24, 2)
    calibration = json.loads((study.coding_dir / "calibration.json").read_text(encoding="utf-8"))
    assert calibration["n_training_examples"] == 2
    assert load_trained(study, load_codebook(study.codebook_path), _coder(study))

    examples.write_text(examples.read_text(encoding="utf-8").replace('"F5"', '"F3"'), encoding="utf-8")
    with caplog.at_level("WARNING"):
        assert not load_trained(study, load_codebook(study.codebook_path), _coder(study))
    assert "trained with other coding examples" in caplog.text
    assert not code_study(study, progress=False, coder=_coder(study)).get("skipped")


def test_without_coded_units_the_examples_train_the_model_else_the_rules_code(study: Study) -> None:
    """A new study has no coded turns: its coded examples (with the codebook's anchors) train the
    model, the κ it reports is within the examples and says so; with no examples either, rules."""
    from unreported.coding.stage import load_trained

    gold = {(r["doc"], r["id"]): r["codes"] for r in read_jsonl(study.corpus_dir / "gold" / "codes.jsonl")}
    (study.corpus_dir / "gold" / "codes.jsonl").unlink()
    rules = code_study(study, progress=False, coder=_coder(study))
    assert (rules["mode"], rules["label_source"], rules["examples_kappa"]) == ("rules", "none", None)

    examples = study.base_dir / "coding" / "examples.jsonl"
    examples.parent.mkdir()
    rows = [{"id": f"{f}-{j}", "lang": "en", "text": f"{FILLER[j]} {saying}", "codes": [f]} for f, saying in SAYINGS.items() for j in range(3)]
    rows += [{"id": f"none-{j}", "lang": "en", "text": text, "codes": []} for j, text in enumerate(FILLER)]
    examples.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    study.source.write_text(study.source.read_text(encoding="utf-8") + "coding_examples: coding/examples.jsonl\n", encoding="utf-8")
    study = Study.load(study.source)
    summary = code_study(study, progress=False, coder=_coder(study))
    assert (summary["mode"], summary["label_source"]) == ("supervised", "coded examples")
    assert (summary["training_units"], summary["training_examples"], summary["macro_kappa"]) == (0, len(rows), None)
    assert 0.5 < summary["examples_kappa"] <= 1.0
    cal = json.loads((study.coding_dir / "calibration.json").read_text(encoding="utf-8"))
    assert "methods" not in cal and cal["grouped_by"] == "example" and "not with this corpus" in cal["note"]
    assert cal["examples_cv"]["all"]["n_turns"] == len(rows) + cal["n_training_anchors"]
    assert load_trained(study, load_codebook(study.codebook_path), _coder(study))

    auto: dict[str, set[str]] = {}
    for c in read_jsonl(study.coding_dir / "codes.jsonl"):
        auto.setdefault(c["unit"], set()).add(c["code"])
    found = [set(codes) <= auto.get(uid, set()) for (_, uid), codes in gold.items() if codes]
    assert sum(found) >= 0.8 * len(found), (sum(found), len(found))
    assert sum(bool(auto.get(uid)) for (_, uid), codes in gold.items() if not codes) <= 1


def test_jsonl_in_another_encoding_names_the_line(tmp_path: Path) -> None:
    """A file saved as Windows-1251 (common for Russian on Windows): the line, not a traceback."""
    from unreported.cache import read_jsonl
    from unreported.errors import UnreportedError

    bad = tmp_path / "in.jsonl"
    bad.write_bytes('{"id": "a", "text": "ok"}\n{"id": "b", "text": "Не знала"}\n'.encode("cp1251"))
    with pytest.raises(UnreportedError, match=r"in\.jsonl:2: not UTF-8 \(byte 21 of the line\); save the file as UTF-8"):
        read_jsonl(bad)


def test_reviewed_sheet_and_qda_project_come_back_as_coders(study: Study) -> None:
    import shutil

    code_study(study, progress=False, coder=_coder(study))
    human = study.base_dir / "coding" / "human"
    human.mkdir(parents=True)
    shutil.copy(study.coding_dir / "coding_sheet.xlsx", human / "alice.xlsx")
    shutil.copy(study.coding_dir / "project.qdpx", human / "team.qdpx")
    code_study(study, progress=False, coder=_coder(study))
    rel = (study.coding_dir / "reliability.csv").read_text(encoding="utf-8")
    assert "auto vs alice (units)" in rel
    # the exported project carries the auto-coder and the gold as Users: both come back as coders
    assert "auto vs team:auto (units)" in rel and "auto vs team:gold (units)" in rel
    import pandas as pd
    from io import StringIO

    table = pd.read_csv(StringIO(rel))
    same = table[(table["comparison"] == "auto vs team:auto (units)") & (table["code"] == "macro")]
    assert float(same["percent_agreement"].iloc[0]) == 1.0


def test_each_unit_knows_the_question_it_answers() -> None:
    from unreported.coding.units import units_of

    text = "Interviewer: Did you go to the police?\nRespondent: No.\nRespondent: Never.\nInterviewer: Why?\nRespondent: Fear."
    first = "Respondent: I start.\n" + text
    units = units_of("D", text, lang="en", group="VoT", kind="IDI") + units_of("E", first, lang="en", group="VoT", kind="IDI")
    assert questions_of(units, {"D": text, "E": first}) == [
        "Did you go to the police?", "Did you go to the police?", "Why?", None, "Did you go to the police?", "Did you go to the police?", "Why?",
    ]
