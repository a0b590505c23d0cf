"""The bundled corpus and its gold come from one source: rebuilding gives the same bytes,
and every gold span's text is what its offsets point at."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from unreported.config import FACTOR_IDS, PII_LABELS
from unreported.corpus import iter_transcripts
from unreported.synthetic import build_corpus

pytestmark = pytest.mark.skipif(
    not (Path(__file__).resolve().parents[1] / "corpus/synthetic/manifest.csv").is_file(),
    reason="bundled corpus not built",
)


def _gold(synthetic_dir: Path, name: str) -> list[dict]:
    return [json.loads(line) for line in (synthetic_dir / "gold" / name).read_text(encoding="utf-8").splitlines()]


def test_rebuild_is_byte_identical(synthetic_dir: Path, tmp_path: Path) -> None:
    build_corpus(synthetic_dir / "source", tmp_path)
    built = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file())
    assert built, "nothing was built"
    for rel in built:
        assert (tmp_path / rel).read_bytes() == (synthetic_dir / rel).read_bytes(), f"{rel} is out of date: run python -m unreported.synthetic"


def test_gold_spans_match_offsets(synthetic_dir: Path) -> None:
    records = _gold(synthetic_dir, "pii.jsonl")
    assert records
    for rec in records:
        last_end = 0
        for span in rec["spans"]:
            assert span["label"] in PII_LABELS
            assert rec["text"][span["start"] : span["end"]] == span["text"], (rec["id"], span["start"])
            assert span["start"] >= last_end, f"overlapping spans in {rec['id']}"
            last_end = span["end"]


def test_gold_text_is_what_ingestion_reads(synthetic_dir: Path) -> None:
    gold = {r["id"]: r["text"] for r in _gold(synthetic_dir, "pii.jsonl")}
    transcripts = list(iter_transcripts(synthetic_dir))
    assert {t.id for t in transcripts} == set(gold)
    for t in transcripts:
        assert t.text == gold[t.id], t.id


def test_gold_codes_cover_every_turn(synthetic_dir: Path) -> None:
    codes = _gold(synthetic_dir, "codes.jsonl")
    turns = {t.id: len(t.turns) for t in iter_transcripts(synthetic_dir)}
    per_doc: dict[str, int] = {}
    for rec in codes:
        per_doc[rec["doc"]] = per_doc.get(rec["doc"], 0) + 1
        assert set(rec["codes"]) <= set(FACTOR_IDS)
        assert "{" not in rec["text"]
    assert per_doc == turns


def test_corpus_meets_the_study_design(synthetic_dir: Path) -> None:
    """The design of issue 2: size, languages, groups, and every factor voiced widely."""
    transcripts = list(iter_transcripts(synthetic_dir))
    assert len(transcripts) >= 24
    assert sum(t.word_count for t in transcripts) >= 35_000
    langs = [t.entry.language for t in transcripts]
    assert langs.count("ru") >= 4 and langs.count("ky") >= 2 and "en" in langs
    codes = _gold(synthetic_dir, "codes.jsonl")
    for factor in FACTOR_IDS:
        voiced = [r for r in codes if factor in r["codes"]]
        respondents = {(r["doc"], r["speaker"]) for r in voiced}
        groups = {r["group"] for r in voiced}
        assert len(respondents) >= 5 and len(groups) >= 3, factor
    respondent_turns = [r for r in codes if r["role"] not in ("interviewer", "moderator")]
    assert sum(1 for r in respondent_turns if not r["codes"]) > len(respondent_turns) / 4


def test_gold_codes_follow_their_adjudication_log(synthetic_dir: Path) -> None:
    """Every adjudicated (turn, factor) in code_revisions.csv is what the gold says, so the log
    that documents the double-coding cannot drift from the sources."""
    log = pd.read_csv(synthetic_dir / "code_revisions.csv", dtype={"id": str, "code": str})
    assert list(log.columns) == ["id", "code", "original", "coder_1", "coder_2", "adjudicated", "reason"]
    assert not log.duplicated(["id", "code"]).any()
    assert log["code"].isin(FACTOR_IDS).all() and log["reason"].str.strip().astype(bool).all()
    gold = {r["id"]: set(r["codes"]) for r in _gold(synthetic_dir, "codes.jsonl")}
    assert set(log["id"]) <= set(gold)
    drifted = [(i, c) for i, c, a in log[["id", "code", "adjudicated"]].itertuples(index=False) if (c in gold[i]) != bool(a)]
    assert not drifted, f"gold differs from code_revisions.csv for {drifted[:5]}"
