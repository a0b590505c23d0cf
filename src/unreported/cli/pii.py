"""`unreported pii ...`: PII detection on JSONL records and evaluation against gold spans."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Optional

import typer

from unreported.cli import StudyOption, console

app = typer.Typer(help="Detect PII in JSONL records; evaluate against gold spans.", no_args_is_help=True)


def _detector(study: Optional[Path]):
    from unreported.config import Study
    from unreported.redaction.countries import load_country_formats
    from unreported.redaction.engine import Detector
    from unreported.redaction.policy import load_policy

    s = Study.load(study)
    return Detector(load_policy(s.policy_path), load_country_formats(s.country_format_paths), s.policy_path.parent)


@app.command("detect")
def detect(infile: Annotated[Path, typer.Argument(help="JSONL records {id, text, lang?}.")],
           output: Annotated[Path, typer.Option("-o", "--output", help="Output JSONL (records + spans).")],
           lang: Annotated[str, typer.Option("--lang", help="en, ru, ky, kk, tg, uz or auto (per record: its 'lang', else detected).")] = "auto",
           study: StudyOption = None) -> None:
    """Add "spans": [{start, end, label, score}] (Python string offsets) to every record."""
    from unreported.cache import atomic_write_text, dumps, read_jsonl
    from unreported.errors import UnreportedError

    if lang not in ("en", "ru", "ky", "kk", "tg", "uz", "auto"):
        raise UnreportedError("--lang must be en, ru, ky, kk, tg, uz or auto")
    records = read_jsonl(infile)
    for i, r in enumerate(records, 1):
        if not isinstance(r.get("text"), str):
            raise UnreportedError("record has no string field 'text'", path=infile, line=i)
    d = _detector(study)
    lines = []
    for r in records:
        language = r.get("lang") or lang
        r = dict(r, spans=[s.as_dict() for s in d.detect_transcript(r["text"], language)])
        lines.append(dumps(r))
    atomic_write_text(output, "".join(line + "\n" for line in lines))
    console.print(f"{len(records)} record(s) -> {output}")


@app.command("eval")
def evaluate(gold: Annotated[Path, typer.Argument(help="Gold: our pii.jsonl, Presidio's synth JSON, factRuEval JSONL or IOB2 'token TAG' lines (KazNERD).")],
             lang: Annotated[Optional[str], typer.Option("--lang", help="Language when the gold does not say (IOB2: default kk).")] = None,
             limit: Annotated[int, typer.Option("--limit", help="Score only the first N documents (0 = all; IOB2: 20 sentences a document).")] = 0,
             study: StudyOption = None) -> None:
    """Entity recall (≥90 % of characters covered) per label and language, character precision, and seconds of detection."""
    import time

    from rich.progress import track

    from unreported.config import Study
    from unreported.redaction.evaluate import load_gold, score

    s = Study.load(study)
    corpus = s.corpus_dir if gold.name == "pii.jsonl" else None
    d = _detector(study)
    docs = list(load_gold(gold, lang, corpus))
    if limit:
        docs = docs[:limit]
    pairs = []
    t0 = time.perf_counter()
    for g in track(docs, description="detecting", console=console, transient=True):
        pairs.append((g, [sp.as_dict() for sp in d.detect_transcript(g.text, g.language)]))
    result = score(pairs)
    result["seconds"] = round(time.perf_counter() - t0, 1)
    typer.echo(json.dumps(result, indent=1, ensure_ascii=False))
