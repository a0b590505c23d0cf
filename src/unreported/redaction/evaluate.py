"""`pii eval`: entity recall and character precision against gold spans, in three gold formats.

Formats read: our gold (``corpus/synthetic/gold/pii.jsonl``: ``{id, spans:[{start,end,label,text}]}``
with the text read through the manifest, or records carrying ``text``), Presidio's synthetic
set (JSON list of ``{full_text, spans:[{entity_type, start_position, end_position}]}``) and the
factRuEval JSONL (``{doc_id, text, entities:[{start,end,label}]}``).

Scoring: a gold entity is *caught* when ≥ 90 % of its characters are covered by predicted
spans, whatever their label. Character precision = predicted characters inside some gold
entity / all predicted characters. Label mapping (gold → ours; ``None`` = not scored):

* Presidio: PERSON, ORGANIZATION, PHONE_NUMBER, EMAIL_ADDRESS as is; GPE → LOCATION;
  STREET_ADDRESS, ZIP_CODE → ADDRESS; DATE_TIME → DATE; CREDIT_CARD, IBAN_CODE, US_SSN,
  US_DRIVER_LICENSE, IP_ADDRESS → ID_NUMBER; excluded: TITLE (Mr/Dr), AGE, NRP (nationality,
  religion, politics: analytic variables of this study, not identifiers), DOMAIN_NAME
  (public web sites).
* factRuEval: PER → PERSON, LOC → LOCATION, ORG → ORGANIZATION.
* Gold LOCATION / ORGANIZATION entities that are country names are not scored: the policy
  keeps countries.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from unreported.errors import UnreportedError

PRESIDIO_MAP = {"PERSON": "PERSON", "ORGANIZATION": "ORGANIZATION", "PHONE_NUMBER": "PHONE_NUMBER",
                "EMAIL_ADDRESS": "EMAIL_ADDRESS", "GPE": "LOCATION", "STREET_ADDRESS": "ADDRESS", "ZIP_CODE": "ADDRESS",
                "DATE_TIME": "DATE", "CREDIT_CARD": "ID_NUMBER", "IBAN_CODE": "ID_NUMBER", "US_SSN": "ID_NUMBER",
                "US_DRIVER_LICENSE": "ID_NUMBER", "IP_ADDRESS": "ID_NUMBER",
                "TITLE": None, "AGE": None, "NRP": None, "DOMAIN_NAME": None}
FACTRU_MAP = {"PER": "PERSON", "LOC": "LOCATION", "ORG": "ORGANIZATION"}
COVER = 0.9


@dataclass
class GoldDoc:
    id: str
    text: str
    language: str
    spans: list[dict]


def load_gold(path: Path, language: str | None = None, corpus_dir: Path | None = None) -> Iterator[GoldDoc]:
    """Read any of the three formats (detected from the content)."""
    from unreported.redaction.engine import is_country

    path = Path(path)
    if not path.is_file():
        raise UnreportedError("gold file not found", path=path)
    if path.suffix == ".json":
        data = json.loads(path.read_text(encoding="utf-8"))
        for i, rec in enumerate(data):
            spans = []
            for s in rec["spans"]:
                label = PRESIDIO_MAP.get(s["entity_type"])
                if label and not (label == "LOCATION" and is_country(rec["full_text"][s["start_position"]:s["end_position"]])):
                    spans.append({"start": s["start_position"], "end": s["end_position"], "label": label})
            yield GoldDoc(f"presidio-{i:04d}", rec["full_text"], language or "en", spans)
        return
    texts: dict[str, tuple[str, str]] = {}
    if corpus_dir is not None:
        from unreported.corpus import read_text
        from unreported.manifest import load_manifest

        for e in load_manifest(Path(corpus_dir) / "manifest.csv").entries:
            texts[e.id] = (read_text(Path(corpus_dir) / e.file)[0], e.language)
    with path.open(encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            if not line.strip():
                continue
            rec = json.loads(line)
            if "entities" in rec:  # factRuEval
                text = rec["text"]
                spans = [{"start": e["start"], "end": e["end"], "label": FACTRU_MAP[e["label"]]} for e in rec["entities"]
                         if e["label"] in FACTRU_MAP and not (e["label"] != "PER" and is_country(text[e["start"]:e["end"]]))]
                yield GoldDoc(rec["doc_id"], text, language or "ru", spans)
                continue
            doc_id = rec.get("id") or rec.get("doc_id")
            if "text" in rec:
                text, lang = rec["text"], rec.get("language") or rec.get("lang") or language or "auto"
            elif doc_id in texts:
                text, lang = texts[doc_id]
            else:
                raise UnreportedError(f"gold record {doc_id!r} has no text and no transcript in the corpus", path=path, line=lineno)
            spans = [{"start": s["start"], "end": s["end"], "label": s["label"]} for s in rec.get("spans", [])]
            yield GoldDoc(doc_id, text, language or lang, spans)


def score(docs: Iterable[tuple[GoldDoc, list[dict]]]) -> dict:
    """Entity recall (overall, per label, per language × label) and character precision."""
    caught: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    pred_chars = pred_in_gold = 0
    n_docs = 0
    for gold, pred in docs:
        n_docs += 1
        covered = bytearray(len(gold.text) + 1)
        for p in pred:
            for i in range(p["start"], min(p["end"], len(gold.text))):
                covered[i] = 1
        gold_chars = bytearray(len(gold.text) + 1)
        for g in gold.spans:
            n = g["end"] - g["start"]
            hit = sum(covered[g["start"]:g["end"]]) >= COVER * n if n > 0 else False
            for key in ((gold.language, g["label"]), (gold.language, "ALL")):
                caught[key][0] += hit
                caught[key][1] += 1
            for i in range(g["start"], g["end"]):
                gold_chars[i] = 1
        for i in range(len(gold.text)):
            if covered[i] and not gold.text[i].isspace():
                pred_chars += 1
                pred_in_gold += gold_chars[i]
    recall = {f"{lang}/{label}": {"recall": round(c / n, 4) if n else None, "caught": c, "n": n}
              for (lang, label), (c, n) in sorted(caught.items())}
    return {"documents": n_docs, "recall": recall,
            "char_precision": round(pred_in_gold / pred_chars, 4) if pred_chars else None}
