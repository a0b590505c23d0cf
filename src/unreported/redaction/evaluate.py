"""`pii eval`: entity recall and character precision against gold spans, in four gold formats.

Formats read (detected from the content): our gold (``corpus/synthetic/gold/pii.jsonl``:
``{id, spans:[{start,end,label,text}]}`` with the text read through the manifest, or records
carrying ``text``), Presidio's synthetic set (JSON list of ``{full_text, spans:[{entity_type,
start_position, end_position}]}``), the factRuEval JSONL (``{doc_id, text, entities:[{start,end,label}]}``)
and CoNLL-style IOB2 (``token TAG`` lines, a blank line between sentences, as KazNERD's Kazakh
test split). IOB2 has no character offsets: a sentence's text is its tokens joined by single
spaces, except before closing punctuation and after opening brackets and quotes ('« Хабар »
арнасы , 2019 жылы .' → '«Хабар» арнасы, 2019 жылы.'), as the text was written; every
``IOB2_SENTENCES`` sentences make one document (a line each), so names spread over a document
as they do over a transcript.

Scoring: a gold entity is *caught* when ≥ 90 % of its characters are covered by predicted
spans, whatever their label. Character precision = predicted characters inside some gold
entity / all predicted characters. Label mapping (gold → ours; ``None`` = not scored):

* Presidio: PERSON, ORGANIZATION, PHONE_NUMBER, EMAIL_ADDRESS as is; GPE → LOCATION;
  STREET_ADDRESS, ZIP_CODE → ADDRESS; DATE_TIME → DATE; CREDIT_CARD, IBAN_CODE, US_SSN,
  US_DRIVER_LICENSE, IP_ADDRESS → ID_NUMBER; excluded: TITLE (Mr/Dr), AGE, NRP (nationality,
  religion, politics: analytic variables of this study, not identifiers), DOMAIN_NAME
  (public web sites).
* factRuEval: PER → PERSON, LOC → LOCATION, ORG → ORGANIZATION.
* IOB2 (KazNERD's classes; PER/LOC/ORG and ``MISC`` of other CoNLL sets map alike): PERSON as is;
  GPE, LOCATION, FACILITY (buildings, airports, stations, streets: places below country level,
  which the policy redacts) → LOCATION; ORGANISATION → ORGANIZATION; DATE → DATE only where
  the policy's DATE covers it (:func:`policy_date`: a year, in digits or words, a day with its
  month, a weekday); durations, ages, seasons, months alone, centuries and relative dates
  ('биыл' = this year) are not scored. Excluded: CONTACT (public hotlines and web sites),
  POSITION, NORP, LANGUAGE (analytic variables), and the non-PII classes (CARDINAL, MONEY,
  EVENT, LAW, PROJECT, ...).
* Gold LOCATION / ORGANIZATION entities that are country names are not scored: the policy
  keeps countries.
"""

from __future__ import annotations

import json
import re
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
IOB2_MAP = {"PERSON": "PERSON", "PER": "PERSON", "GPE": "LOCATION", "LOCATION": "LOCATION", "LOC": "LOCATION",
            "FACILITY": "LOCATION", "ORGANISATION": "ORGANIZATION", "ORGANIZATION": "ORGANIZATION", "ORG": "ORGANIZATION",
            "DATE": "DATE"}
IOB2_SENTENCES = 20
_NO_SPACE_BEFORE = frozenset(",.!?:;)]»”%…")
_NO_SPACE_AFTER = frozenset("([«“")
COVER = 0.9

_IOB2_LINE = re.compile(r"^\S+ (?:O|[BI]-[A-Za-z_]+)$")
# what the policy's DATE covers (redaction/policy.yml): years in digits ('2019 жылы', '1990-шы
# жылдары') or words ('екі мың он тоғызыншы жылы', 'две тысячи девятнадцатом году'), a day with
# its month ('5 наурыз', 'қарашаның он екінші'), weekdays ('жұма' alone is also 'week')
_YEAR_DIGITS = re.compile(r"(?<!\d)(?:1[89]|20)\d{2}(?!\d)")
_YEAR_WORDS = re.compile(r"(?:мың|миң|тысяч)\w*(?:\s+\S+){0,6}?\s+(?:жыл|год)", re.IGNORECASE)
_MONTH = re.compile(r"(?<!\w)(?:январ|феврал|март|апрел|ма[йяе]|июн|июл|август|сентябр|октябр|ноябр|декабр|"
                    r"қаңтар|ақпан|наурыз|сәуір|мамыр|маусым|шілде|тамыз|қыркүйек|қазан|қараша|желтоқсан)", re.IGNORECASE)
_DAY = re.compile(r"\d|\w(?:ыншы|інші|ншы|нші|го|ое|ого|ому)(?!\w)", re.IGNORECASE)
_WEEKDAY = re.compile(r"(?<!\w)(?:дүйсенбі|сейсенбі|сәрсенбі|бейсенбі|жұма\s+күн|сенбі|жексенбі|дүйшөмбү|шейшемби|шаршемби|"
                      r"бейшемби|ишемби|жекшемби|понедельник|вторник|среда|среду|четверг|пятниц|суббот|воскресень)", re.IGNORECASE)


def policy_date(surface: str) -> bool:
    """A gold DATE the policy redacts: a year, a day with its month, or a weekday."""
    return bool(_YEAR_DIGITS.search(surface) or _YEAR_WORDS.search(surface) or _WEEKDAY.search(surface)
                or (_MONTH.search(surface) and _DAY.search(surface)))


@dataclass
class GoldDoc:
    id: str
    text: str
    language: str
    spans: list[dict]


def load_gold(path: Path, language: str | None = None, corpus_dir: Path | None = None) -> Iterator[GoldDoc]:
    """Read any of the four formats (detected from the content)."""
    from unreported.redaction.engine import is_country

    path = Path(path)
    if not path.is_file():
        raise UnreportedError("gold file not found", path=path)
    if _is_iob2(path):
        yield from load_iob2(path, language or "kk")
        return
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


def _is_iob2(path: Path) -> bool:
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                return bool(_IOB2_LINE.match(line.rstrip("\n")))
    return False


def _iob2_sentences(path: Path) -> Iterator[list[tuple[str, str, int]]]:
    """Sentences as ``(token, tag, line number)`` lists; a malformed line is an error naming it."""
    sentence: list[tuple[str, str, int]] = []
    with path.open(encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            line = line.rstrip("\n")
            if not line.strip():
                if sentence:
                    yield sentence
                sentence = []
                continue
            if not _IOB2_LINE.match(line):
                raise UnreportedError("IOB2 line is not 'token TAG' (TAG = O, B-X or I-X)", path=path, line=lineno)
            token, tag = line.rsplit(" ", 1)
            sentence.append((token, tag, lineno))
    if sentence:
        yield sentence


def _iob2_entities(sentence: list[tuple[str, str, int]], path: Path) -> tuple[str, list[tuple[int, int, str]]]:
    """The sentence text (tokens joined by spaces, punctuation attached) and its entities as character spans."""
    text, ents, offsets = "", [], []
    for token, _, _ in sentence:
        if text and token not in _NO_SPACE_BEFORE and text[-1] not in _NO_SPACE_AFTER:
            text += " "
        offsets.append((len(text), len(text) + len(token)))
        text += token
    open_: list | None = None
    for (token, tag, lineno), (a, b) in zip(sentence, offsets):
        if tag.startswith("I-") and open_ and open_[2] == tag[2:]:
            open_[1] = b
            continue
        if tag.startswith("I-"):
            raise UnreportedError(f"IOB2 tag {tag} does not continue a {tag[2:]} entity", path=path, line=lineno)
        if open_:
            ents.append(tuple(open_))
        open_ = [a, b, tag[2:]] if tag.startswith("B-") else None
    if open_:
        ents.append(tuple(open_))
    return text, ents


def load_iob2(path: Path, language: str) -> Iterator[GoldDoc]:
    """IOB2 sentences grouped ``IOB2_SENTENCES`` to a document, entities mapped by ``IOB2_MAP``
    (countries and dates outside the policy not scored: module docstring)."""
    from unreported.redaction.engine import is_country

    batch: list[tuple[str, list[tuple[int, int, str]]]] = []
    first = 0

    def flush() -> GoldDoc:
        text, spans, pos = "", [], 0
        for sent, ents in batch:
            for a, b, tag in ents:
                label = IOB2_MAP.get(tag)
                surface = sent[a:b]
                if label is None or (label in ("LOCATION", "ORGANIZATION") and is_country(surface)):
                    continue
                if label == "DATE" and not policy_date(surface):
                    continue
                spans.append({"start": pos + a, "end": pos + b, "label": label})
            text += sent + "\n"
            pos = len(text)
        return GoldDoc(f"iob2-{first:05d}", text, language, spans)

    for i, sentence in enumerate(_iob2_sentences(path)):
        batch.append(_iob2_entities(sentence, path))
        if len(batch) == IOB2_SENTENCES:
            yield flush()
            batch, first = [], i + 1
    if batch:
        yield flush()


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
