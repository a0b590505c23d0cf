"""The coding stage: redacted documents in, ``output/coding/`` out.

Reads only the redacted zone (``iter_redacted`` refuses anything without an audit), builds
coding units, auto-codes them, and — where human codes exist (the study's gold file, or coding
sheets and QDA projects that researchers drop into ``coding/human/``) — trains the supervised
model and measures agreement by cross-validation. Outputs (deterministic, atomic):

``units.jsonl``  ``codes.jsonl``  ``calibration.json``  ``reliability.csv``  ``model.pkl``
``project.qdpx`` (REFI-QDA: sources, codebook, each coder a User)  ``codebook.qdc``
``coding_sheet.xlsx`` (review without a QDA tool)

Codes of units that were in the training data are their out-of-fold codes, so that agreement
with the gold shown downstream is the cross-validated figure, not a model reading its own
answers back.
"""

from __future__ import annotations

import logging
import pickle
from collections import defaultdict
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np

from unreported.cache import Stamp, atomic_write_bytes, atomic_write_text, fingerprint, read_jsonl, write_json, write_jsonl
from unreported.coding.autocode import (
    CONTRAST_FLOOR,
    CONTRAST_SPAN,
    DEFAULT_THRESHOLD,
    EMB_WEIGHT,
    EMBEDDING_LANGS,
    AutoCoder,
)
from unreported.coding.classifier import sentence_windows
from unreported.coding.codebook import Codebook, load_codebook
from unreported.coding.examples import Example, example_files, load_examples
from unreported.coding.recommendations import load_recommendations
from unreported.coding.units import Unit, units_from_redacted
from unreported.config import Study
from unreported.errors import UnreportedError

log = logging.getLogger(__name__)

STAGE_VERSION = 9
MODEL_FILE = "model.pkl"
AUTO_CODER = "auto"
GOLD_CODER = "gold"
OUTPUTS = (
    "units.jsonl", "codes.jsonl", "calibration.json", "reliability.csv",
    "project.qdpx", "codebook.qdc", "coding_sheet.xlsx",
)
FACTOR_COLORS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2")


def gold_path(study: Study) -> Path:
    return study.corpus_dir / "gold" / "codes.jsonl"


def human_dir(study: Study) -> Path:
    """Reviewed coding sheets and QDA projects of human coders: ``coding/human/`` beside study.yml."""
    return study.base_dir / "coding" / "human"


def load_gold(path: Path, codes: Sequence[str]) -> dict[str, set[str]]:
    """Gold codes per turn id (``<doc>#<turn:03d>``); unknown codes are an error naming the line."""
    out = {}
    for lineno, rec in enumerate(read_jsonl(path), start=1):
        if rec.get("role") in ("interviewer", "moderator"):
            continue
        bad = [c for c in rec.get("codes", []) if c not in codes]
        if bad:
            raise UnreportedError(f"unknown code(s) {bad} in the gold coding", path=path, line=lineno)
        out[str(rec["id"])] = set(rec.get("codes", []))
    return out


def load_human_coders(folder: Path, units: Sequence[Unit], sources: Mapping[str, str], codes: Sequence[str]) -> dict[str, dict[str, set[str]]]:
    """Coders imported from coding sheets (``*.xlsx``, coder = file name) and QDA projects (``*.qdpx``)."""
    coders: dict[str, dict[str, set[str]]] = {}
    if not folder.is_dir():
        return coders
    for path in sorted(folder.glob("*.xlsx")):
        from unreported.coding_sheet import import_sheet

        coders[path.stem] = {u: set(c) for u, c in import_sheet(path, codes).items()}
    qdpx = sorted(folder.glob("*.qdpx"))
    if qdpx:
        from unreported.refiqda import QdaSource, import_qdpx

        by_doc: dict[str, list[Unit]] = defaultdict(list)
        for u in units:
            by_doc[u.doc].append(u)
        for path in qdpx:
            for c in import_qdpx(path, [QdaSource(k, k, v) for k, v in sources.items()], code_ids=list(codes)):
                if c.code_id not in codes:
                    continue
                coder = coders.setdefault(f"{path.stem}:{c.coder}", {})
                for u in by_doc.get(c.source_id, []):
                    coder.setdefault(u.id, set())
                    if c.start < u.end and c.end > u.start:
                        coder[u.id].add(c.code_id)
    return coders


def _turn_labels(units: Sequence[Unit], gold: Mapping[str, set[str]], codes: Sequence[str]) -> tuple[list[int], np.ndarray]:
    idx = [i for i, u in enumerate(units) if u.turn_id in gold]
    Y = np.array([[c in gold[units[i].turn_id] for c in codes] for i in idx], dtype=int).reshape(len(idx), len(codes))
    return idx, Y


def _human_labels(units: Sequence[Unit], coders: Mapping[str, Mapping[str, set[str]]], codes: Sequence[str]) -> dict[str, set[str]]:
    """Per unit, the codes at least half of the human coders who coded it applied."""
    votes: dict[str, list[set[str]]] = defaultdict(list)
    for coding in coders.values():
        for uid, cs in coding.items():
            votes[uid].append(cs)
    out = {}
    for uid, sets in votes.items():
        out[uid] = {c for c in codes if 2 * sum(c in s for s in sets) >= len(sets)}
    return out


def _qda_codes(codebook: Codebook):
    from unreported.refiqda import QdaCode

    out = []
    for f, color in zip(codebook.factors, FACTOR_COLORS):
        children = tuple(QdaCode(s.id, s.name.en, s.definition.en, color) for s in f.subcodes)
        out.append(QdaCode(f.id, f.name.en, f.definition.en, color, children))
    return out


def code_study(study: Study, *, progress: bool = True, force: bool = False, coder: AutoCoder | None = None) -> dict:
    """Run the coding stage for ``study``; returns a summary (counts, mode, κ where measured).

    ``coder``: an AutoCoder to use instead of the default (tests pass one with a model-free encoder)."""
    from unreported.redaction.store import iter_redacted

    codebook = load_codebook(study.codebook_path)
    load_recommendations(study.recommendations_path)
    examples = study_examples(study, codebook)
    out_dir = study.coding_dir
    gpath = gold_path(study)
    hdir = human_dir(study)
    inputs = [
        *sorted(p for p in study.redacted_dir.glob("*") if p.is_file() and not p.name.startswith(".")),
        study.codebook_path,
        study.recommendations_path,
        *example_inputs(study),
        *([gpath] if gpath.is_file() else []),
        *(sorted(hdir.glob("*.xlsx")) + sorted(hdir.glob("*.qdpx")) if hdir.is_dir() else []),
    ]
    key = fingerprint(inputs, {"version": STAGE_VERSION, "seed": study.config.seed})
    stamp = Stamp(out_dir)
    if not force and stamp.is_fresh(key, [out_dir / n for n in OUTPUTS]):
        log.info("coding is up to date; skipped")
        return {"skipped": True, **stamp.read().get("summary", {})}

    docs = list(iter_redacted(study.redacted_dir))
    if not docs:
        raise UnreportedError("the redacted corpus has no documents", path=study.redacted_dir)
    sources = {d.id: d.text for d in docs}
    units = list(units_from_redacted(docs))
    if not units:
        raise UnreportedError("no respondent turns to code in the redacted corpus", path=study.redacted_dir)
    write_jsonl(out_dir / "units.jsonl", (u.to_record() for u in units))

    coder = coder or AutoCoder(codebook)
    coder.examples = examples  # the study's own, also for a coder passed in
    warn_uncovered_languages(codebook, [u.lang for u in units], study.codebook_path)
    bar = _bar(progress, len(units), "coding: scoring units")
    scored = coder.featurize(
        [u.id for u in units], [u.text for u in units], [u.lang for u in units],
        progress=bar.update if bar else None, contexts=questions_of(units, sources),
    )
    _close(bar)

    codes = codebook.codes
    gold = load_gold(gpath, codes) if gpath.is_file() else {}
    humans = load_human_coders(hdir, units, sources, codes)
    if gold:
        train_idx, Y = _turn_labels(units, gold, codes)
        label_source = "gold"
    else:
        labels = _human_labels(units, humans, codes)
        train_idx = [i for i, u in enumerate(units) if u.id in labels]
        Y = np.array([[c in labels[units[i].id] for c in codes] for i in train_idx], dtype=int).reshape(len(train_idx), len(codes))
        label_source = "human coders" if humans else "none"

    groups = [units[i].doc for i in train_idx]
    oof = None
    if len(set(groups)) >= 2 and Y.sum() > 0:
        sub = _subset(scored, train_idx)
        wbar = _bar(progress, sum(len(sentence_windows(units[i].text)) for i in train_idx), "coding: scoring sentence windows")
        bar = _bar(progress, 5, "coding: cross-validating")
        calibration = coder.train(
            sub, Y, groups, turns=[units[i].turn_id for i in train_idx], seed=study.config.seed,
            progress=(lambda: bar.update(1)) if bar else None, window_progress=wbar.update if wbar else None,
        )
        _close(wbar)
        _close(bar)
        oof = calibration.pop("oof")
        calibration["training_codes"] = "out-of-fold"
    elif examples:
        bar = _bar(progress, 5, "coding: cross-validating on coded examples")
        calibration = coder.train_on_examples(seed=study.config.seed, progress=(lambda: bar.update(1)) if bar else None)
        _close(bar)
        label_source = "coded examples"
    else:
        calibration = {
            "mode": "rules",
            "codes": codes,
            "n_units": len(units),
            "thresholds": dict(zip(codes, coder.thresholds)),
            "note": (
                "no human-coded units from two or more transcripts and no coded examples: rule scores "
                "(lexicon + embedding) with the default threshold"
            ),
        }
    scores = coder.scores(scored)  # the trained model's, else the rules'
    pred = scores >= np.array(coder.thresholds)
    if oof is not None:
        for row, i in enumerate(train_idx):  # units the model learned from keep their out-of-fold codes
            scores[i] = oof["scores"][row]
            pred[i] = np.array(oof["pred"][row], dtype=bool)
    calibration["label_source"] = label_source
    calibration["rules"] = {
        "contrast_floor": CONTRAST_FLOOR, "contrast_span": CONTRAST_SPAN, "embedding_weight": EMB_WEIGHT,
        "embedding_languages": sorted(EMBEDDING_LANGS), "default_threshold": DEFAULT_THRESHOLD,
    }
    write_json(out_dir / "calibration.json", calibration)

    suggestions: dict[str, list[dict]] = {}
    records = []
    assigned = coder.assign(scored, scores, pred)
    for u, cs in zip(units, assigned):
        suggestions[u.id] = cs
        for c in cs:
            records.append({"unit": u.id, **c})
    write_jsonl(out_dir / "codes.jsonl", records)
    atomic_write_bytes(out_dir / MODEL_FILE, pickle.dumps(
        {
            "codebook_sha256": fingerprint([study.codebook_path]), "examples_sha256": fingerprint(example_inputs(study)),
            "stage_version": STAGE_VERSION, "thresholds": coder.thresholds, "model": coder.model, "mode": coder.mode,
        },
        protocol=5,
    ))

    auto = {u.id: {c["code"] for c in suggestions[u.id]} for u in units}
    _write_reliability(out_dir / "reliability.csv", units, auto, gold, humans, codes, seed=study.config.seed)
    _write_exchange(out_dir, codebook, docs, units, auto, gold, suggestions, study.name)

    summary = {
        "documents": len(docs),
        "units": len(units),
        "codes": len(records),
        "mode": coder.mode,
        "macro_kappa": calibration.get("methods", {}).get("supervised", {}).get("all", {}).get("macro_kappa"),
        "training_units": calibration.get("n_units", 0) if coder.mode == "supervised" else 0,
        "training_examples": len(examples) if coder.mode == "supervised" else 0,
        "label_source": label_source,
        "examples_kappa": calibration.get("examples_cv", {}).get("all", {}).get("macro_kappa"),
    }
    stamp.write(key, summary=summary)
    return summary


def questions_of(units: Sequence[Unit], sources: Mapping[str, str]) -> list[str | None]:
    """Per unit, the interviewer's or moderator's turn before it in its document (None if none).

    Why: the question frames the answer ("did you think of going to the police?"), as it does
    for a human coder reading the transcript."""
    from unreported.corpus import parse_turns

    asked: dict[tuple[str, int], str | None] = {}
    for doc_id in dict.fromkeys(u.doc for u in units):
        text = sources[doc_id]
        last = None
        for turn in parse_turns(text):
            if turn.is_respondent:
                asked[(doc_id, turn.index)] = last
            else:
                last = text[turn.start : turn.end]
    return [asked.get((u.doc, u.turn)) for u in units]


def _subset(scored, idx):
    from unreported.coding.autocode import Scored

    return Scored(scored.features.take(idx), [scored.lex[i] for i in idx], [scored.best[i] for i in idx])


def _write_reliability(path: Path, units, auto, gold, humans, codes, *, seed: int) -> None:
    import pandas as pd

    from unreported.reliability import reliability_table

    tables = []
    if gold:
        auto_turn: dict[str, set[str]] = defaultdict(set)
        for u in units:
            auto_turn[u.turn_id] |= auto[u.id]
        turns = [t for t in dict.fromkeys(u.turn_id for u in units) if t in gold]
        t = reliability_table({AUTO_CODER: {k: auto_turn[k] for k in turns}, GOLD_CODER: {k: gold[k] for k in turns}}, codes, seed=seed)
        t.insert(0, "comparison", f"{AUTO_CODER} vs {GOLD_CODER} (turns)")
        tables.append(t)
    for name in sorted(humans):
        coded = humans[name]
        t = reliability_table({AUTO_CODER: {k: auto[k] for k in coded if k in auto}, name: dict(coded)}, codes, seed=seed)
        t.insert(0, "comparison", f"{AUTO_CODER} vs {name} (units)")
        tables.append(t)
    if len(humans) >= 2:
        t = reliability_table({n: dict(c) for n, c in humans.items()}, codes, seed=seed)
        t.insert(0, "comparison", "human coders (units)")
        tables.append(t)
    if tables:
        df = pd.concat(tables, ignore_index=True)
    else:
        df = pd.DataFrame(columns=["comparison", "code", "n_units", "n_coders", "percent_agreement", "kappa", "kappa_low", "kappa_high", "alpha", "alpha_low", "alpha_high"])
    atomic_write_text(path, df.to_csv(index=False, float_format="%.4f", lineterminator="\n"))


def _write_exchange(out_dir: Path, codebook: Codebook, docs, units, auto, gold, suggestions, project_name: str) -> None:
    from unreported.coding_sheet import export_sheet
    from unreported.refiqda import QdaCoding, QdaSource, export_qdc, export_qdpx

    qcodes = _qda_codes(codebook)
    sources = [QdaSource(d.id, d.id, d.text) for d in docs]
    codings = []
    for u in units:
        for c in sorted(auto[u.id]):
            codings.append(QdaCoding(u.doc, u.start, u.end, c, AUTO_CODER))
        for c in sorted(gold.get(u.turn_id, ())):
            codings.append(QdaCoding(u.doc, u.start, u.end, c, GOLD_CODER))
    export_qdpx(out_dir / "project.qdpx", sources, qcodes, codings, project_name=project_name)
    export_qdc(out_dir / "codebook.qdc", qcodes)
    export_sheet(out_dir / "coding_sheet.xlsx", [u.to_record() for u in units], suggestions, codebook.codes, codebook.names("en"))


def example_inputs(study: Study) -> list[Path]:
    """The coding-example files of the study (none when ``coding_examples`` is not set)."""
    path = study.coding_examples_path
    return example_files(path) if path is not None else []


def study_examples(study: Study, codebook: Codebook) -> list[Example]:
    """The study's coded examples, checked against its codebook before any scoring starts."""
    path = study.coding_examples_path
    return load_examples(path, codebook.codes, codebook.languages) if path is not None else []


def load_trained(study: Study, codebook: Codebook, coder: AutoCoder) -> bool:
    """Give ``coder`` the stage's trained model and thresholds if they match this codebook."""
    path = study.coding_dir / MODEL_FILE
    if not path.is_file():
        return False
    state = pickle.loads(path.read_bytes())
    if state.get("codebook_sha256") != fingerprint([study.codebook_path]):
        log.warning("%s was trained with another codebook; using rule scores", path)
        return False
    if state.get("stage_version") != STAGE_VERSION:  # features changed since: rerun the coding stage
        log.warning("%s was trained by an older version of the coding stage; using rule scores", path)
        return False
    if state.get("examples_sha256") != fingerprint(example_inputs(study)):
        log.warning("%s was trained with other coding examples; using rule scores (rerun `unreported code`)", path)
        return False
    coder.model = state["model"]
    coder.thresholds = list(state["thresholds"])
    return True


def _bar(progress: bool, total: int, desc: str):
    if not progress:
        return None
    from tqdm.auto import tqdm

    return tqdm(total=total, desc=desc, unit="unit" if "scoring" in desc else "fold", leave=False)


def _close(bar) -> None:
    if bar is not None:
        bar.close()



def evaluate_gold(path: Path, codebook: Codebook, *, seed: int = 0, progress: bool = False, coder: AutoCoder | None = None) -> dict:
    """Cross-validated agreement of every method with a gold file's turns (text already redacted).

    Needs no redaction run: the gold text has PII replaced by ``[LABEL]``. Used by benchmarks
    and the notebook to report κ per factor, macro and per language.
    """
    codes = codebook.codes
    recs, contexts, last = [], [], {}
    for r in read_jsonl(path):
        if r.get("role") in ("interviewer", "moderator"):
            last[r.get("doc")] = r.get("text")
        elif str(r.get("text", "")).strip():
            recs.append(r)
            contexts.append(last.get(r.get("doc")))
    coder = coder or AutoCoder(codebook)
    bar = _bar(progress, len(recs), "coding: scoring units")
    scored = coder.featurize(
        [r["id"] for r in recs], [r["text"] for r in recs], [r.get("lang", "en") for r in recs],
        progress=bar.update if bar else None, contexts=contexts,
    )
    _close(bar)
    Y = np.array([[c in r.get("codes", []) for c in codes] for r in recs], dtype=int)
    report = coder.train(scored, Y, [r["doc"] for r in recs], seed=seed)
    report.pop("oof", None)
    return report


_KY_LETTERS = set("өүңӨҮҢ")


def guess_language(text: str) -> str:
    """en / ru / ky from the script: Kyrgyz-only letters (ө ү ң) mark Kyrgyz; other Cyrillic, Russian."""
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return "en"
    cyr = sum("\u0400" <= c <= "\u04ff" for c in letters)
    if cyr / len(letters) < 0.3:
        return "en"
    return "ky" if any(c in _KY_LETTERS for c in text) else "ru"


def warn_uncovered_languages(codebook: Codebook, langs: Sequence[str | None], path: Path) -> dict[str, int]:
    """Warn, per language the codebook has no patterns or anchors for, how many units are in it.

    Why: such units are matched against the English patterns and mostly get no code, which
    would otherwise look like "this group never mentions the factor" rather than "not read"."""
    counts: dict[str, int] = {}
    for lang in langs:
        if (lang or "en") not in codebook.languages:
            counts[lang or "en"] = counts.get(lang or "en", 0) + 1
    for lang, n in sorted(counts.items()):
        log.warning(
            "%d unit(s) in '%s': the codebook has no '%s' lexicon or anchors (it has %s), so they will "
            "mostly get no codes; add '%s' labels, definitions, anchors and lexicon to %s",
            n, lang, lang, ", ".join(codebook.languages), lang, path,
        )
    return counts


def code_records(records: Sequence[Mapping], study: Study, *, path: Path | None = None, progress: bool = False, coder: AutoCoder | None = None) -> list[dict]:
    """Auto-code free records ``{"id", "text", "lang"?, "context"?}``; each comes back with ``"codes"``.

    ``context``: the question the text answers, if known (the model weighs factor cues higher
    when the question is about reporting, as in training).

    Uses ``coder`` as given, else the study's trained model when the coding stage has produced
    one for this codebook, else the rule scores (lexicon + embedding). Errors name the input
    line, never its text.
    """
    for lineno, rec in enumerate(records, start=1):
        if not isinstance(rec.get("id"), (str, int)) or not isinstance(rec.get("text"), str):
            raise UnreportedError('each record needs "id" and "text" (a string)', path=path, line=lineno)
        lang = rec.get("lang")
        if lang is not None and not isinstance(lang, str):
            raise UnreportedError('"lang" must be a language code such as "en", "ru" or "ky"', path=path, line=lineno)
        if rec.get("context") is not None and not isinstance(rec.get("context"), str):
            raise UnreportedError('"context" must be a string (the question the text answers)', path=path, line=lineno)
    if coder is None:
        codebook = load_codebook(study.codebook_path)
        coder = AutoCoder(codebook)
        if not load_trained(study, codebook, coder):
            log.warning("no trained model in %s: coding with rule scores (lexicon + embedding)", study.coding_dir)
    langs = [(r.get("lang") or guess_language(r["text"])) for r in records]
    warn_uncovered_languages(coder.codebook, langs, study.codebook_path)
    bar = _bar(progress, len(records), "coding: scoring units")
    scored = coder.featurize(
        [str(r["id"]) for r in records], [r["text"] for r in records], langs,
        progress=bar.update if bar else None, contexts=[r.get("context") for r in records],
    )
    _close(bar)
    assigned = coder.assign(scored)
    return [{**dict(r), "lang": lang, "codes": codes} for r, lang, codes in zip(records, langs, assigned)]
