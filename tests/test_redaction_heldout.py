"""The detector on a held-out set it was not tuned on (tests/data/pii_heldout.jsonl).

Why: the redactor was tuned on the bundled synthetic corpus and Presidio's synthetic set; the
study's transcripts are unseen. The held-out set holds 15 short fictional interview passages
per language (en, ru, ky) written without reading the bundled corpus: Central Asian and
Russian names in their case forms and transliterations, places of Kyrgyzstan, Kazakhstan and
Russia, firms and NGOs, phones, passport and personal numbers, e-mails, handles, addresses,
dates of birth — and traps that must stay (countries, public bodies, names that are also
words, months, money). The floors sit a little under the measured figures, so a change that
loses names on unseen text fails here.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from unreported.config import PII_LABELS
from unreported.redaction.evaluate import load_gold, score

ROOT = Path(__file__).resolve().parents[1]
HELDOUT = ROOT / "tests" / "data" / "pii_heldout.jsonl"
# measured: en 1.00, ru 0.97, ky 0.97 all-PII recall; character precision 0.99
RECALL_FLOOR = {"en": 0.95, "ru": 0.93, "ky": 0.93}
PRECISION_FLOOR = 0.95


def _records() -> list[dict]:
    return [json.loads(line) for line in HELDOUT.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_heldout_set_is_well_formed():
    """Offsets in range, known labels, no overlap between PII and traps, ~15 passages a language."""
    records = _records()
    for lang in ("en", "ru", "ky"):
        assert sum(r["lang"] == lang for r in records) >= 15
    for r in records:
        text = r["text"]
        marked = bytearray(len(text))
        for s in r["spans"]:
            assert 0 <= s["start"] < s["end"] <= len(text) and s["label"] in PII_LABELS
            assert text[s["start"]:s["end"]] == text[s["start"]:s["end"]].strip()
            marked[s["start"]:s["end"]] = b"\1" * (s["end"] - s["start"])
        for t in r.get("traps", []):
            assert 0 <= t["start"] < t["end"] <= len(text) and not any(marked[t["start"]:t["end"]])


@pytest.fixture(scope="module")
def detections():
    from unreported.redaction.countries import load_country_formats
    from unreported.redaction.engine import Detector
    from unreported.redaction.policy import load_policy

    policy_dir = ROOT / "redaction"
    formats = load_country_formats([policy_dir / "countries" / f"{c}.yml" for c in ("kg", "kz", "ru")])
    detector = Detector(load_policy(policy_dir / "policy.yml"), formats, policy_dir)
    docs = list(load_gold(HELDOUT))
    return docs, [[s.as_dict() for s in detector.detect_transcript(d.text, d.language)] for d in docs]


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["en", "ru", "ky"])
def test_heldout_recall_per_language(detections, lang):
    docs, preds = detections
    result = score((d, p) for d, p in zip(docs, preds) if d.language == lang)
    assert result["recall"][f"{lang}/ALL"]["recall"] >= RECALL_FLOOR[lang]


@pytest.mark.slow
def test_heldout_character_precision(detections):
    docs, preds = detections
    assert score(zip(docs, preds))["char_precision"] >= PRECISION_FLOOR


@pytest.mark.slow
def test_heldout_traps_are_kept(detections):
    """Countries, public bodies, months, money and names used as words stay in the text."""
    docs, preds = detections
    traps = {r["id"]: r.get("traps", []) for r in _records()}
    redacted = []
    for doc, pred in zip(docs, preds):
        for t in traps[doc.id]:
            if any(p["start"] < t["end"] and t["start"] < p["end"] for p in pred):
                redacted.append((doc.id, t["start"]))  # offsets only: no text in test output
    assert not redacted
