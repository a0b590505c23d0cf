"""Redaction throughput and memory, as ratios against baselines run in the same process.

    .venv/bin/python bench/redaction_bench.py [--repeat 3] [--workers 1] [--scale 1000]

English turn bodies of the bundled synthetic corpus (repeated ``--repeat`` times) go through
(a) a bare spaCy ``nlp.pipe`` with the same English model, (b) Presidio's default
``AnalyzerEngine.analyze`` one text at a time (default recognizers, same model) and (c) our
detector (``Detector.detect_many``, one ``nlp.pipe`` pass per transcript). Words per second
and the ratios are printed. ``--scale N`` then redacts N varied copies of the whole corpus
(all languages) with the real stage into a temporary folder and reports words/s, peak RSS
and RSS after 10 %, 50 % and 100 % of the transcripts (flat = streaming). Models load once.
Nothing of the texts is printed.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")

ROOT = Path(__file__).resolve().parents[1]


def english_texts(study) -> list[list[str]]:
    from unreported.corpus import iter_transcripts

    docs = []
    for tr in iter_transcripts(study.corpus_dir):
        if tr.entry.language == "en":
            docs.append([tr.turn_text(t) for t in tr.turns if t.end > t.start])
    return docs


def words(texts: list[str]) -> int:
    from unreported.corpus import count_words

    return sum(count_words(t) for t in texts)


def bench_throughput(repeat: int, workers: int) -> dict:
    import spacy
    from presidio_analyzer import AnalyzerEngine
    from presidio_analyzer.nlp_engine import NlpEngineProvider

    from unreported.config import Study
    from unreported.redaction.countries import load_country_formats
    from unreported.redaction.engine import EN_MODEL, Detector, _offline_tldextract
    from unreported.redaction.policy import load_policy

    _offline_tldextract()  # Presidio's default e-mail recognizer must not fetch the suffix list either

    study = Study.load(ROOT / "study.yml")
    docs = english_texts(study) * repeat
    flat = [t for d in docs for t in d]
    n_words = words(flat)

    nlp = spacy.load(EN_MODEL)
    t0 = time.perf_counter()
    for _ in nlp.pipe(flat, batch_size=64, n_process=workers):
        pass
    spacy_s = time.perf_counter() - t0

    provider = NlpEngineProvider(nlp_configuration={"nlp_engine_name": "spacy", "models": [{"lang_code": "en", "model_name": EN_MODEL}]})
    presidio = AnalyzerEngine(nlp_engine=provider.create_engine(), supported_languages=["en"])
    t0 = time.perf_counter()
    for t in flat:
        presidio.analyze(text=t, language="en")
    presidio_s = time.perf_counter() - t0

    det = Detector(load_policy(study.policy_path), load_country_formats(study.country_format_paths), study.policy_path.parent)
    t0 = time.perf_counter()
    for d in docs:
        det.detect_many(d, "en")
    ours_s = time.perf_counter() - t0
    return {
        "words": n_words, "texts": len(flat),
        "spacy_wps": round(n_words / spacy_s), "presidio_default_wps": round(n_words / presidio_s),
        "ours_wps": round(n_words / ours_s),
        "ours_vs_spacy": round(spacy_s / ours_s, 3), "ours_vs_presidio_default": round(presidio_s / ours_s, 3),
    }


def _rss_mb() -> float:
    import psutil

    me = psutil.Process()
    procs = [me] + me.children(recursive=True)
    total = 0
    for p in procs:
        try:
            total += p.memory_info().rss
        except psutil.Error:  # a worker that just exited
            pass
    return total / 2**20


def bench_scale(n: int, workers: int = 1) -> dict:
    """Redact ``n`` varied copies of the synthetic corpus with the real stage; track memory
    (of this process and its worker processes together)."""
    import csv

    from unreported.config import Study
    from unreported.corpus import count_words, read_text
    from unreported.manifest import load_manifest
    from unreported.redaction import stage

    src = Study.load(ROOT / "study.yml")
    manifest = load_manifest(src.manifest_path)
    entries = [e for e in manifest.entries if e.consent]
    tmp = Path(tempfile.mkdtemp(prefix="redaction-bench-"))
    try:
        corpus = tmp / "corpus"
        corpus.mkdir()
        rows = []
        total_words = 0
        for i in range(n):
            e = entries[i % len(entries)]
            text, _ = read_text(src.corpus_dir / e.file)
            # vary the copy: shift every digit, so numbers and hashes differ from copy to copy
            shift = i // len(entries)
            text = "".join(str((int(c) + shift) % 10) if c.isdigit() else c for c in text)
            name = f"C{i:05d}.txt"
            (corpus / name).write_text(text, encoding="utf-8")
            total_words += count_words(text)
            rows.append({"id": f"C{i:05d}", "file": name, "kind": e.kind, "respondent_group": e.respondent_group,
                         "language": e.language, "region": "", "date": "", "consent": "yes"})
        with (corpus / "manifest.csv").open("w", newline="", encoding="utf-8") as fh:
            w = csv.DictWriter(fh, fieldnames=list(rows[0]))
            w.writeheader()
            w.writerows(rows)
        shutil.copytree(src.policy_path.parent, tmp / "redaction")
        (tmp / "study.yml").write_text(
            "name: bench\ncountry: KG\nlanguages: [en, ru, ky]\ncorpus: corpus\nsynthetic: true\n"
            "key_file: key/bench.key\noutput: output\n", encoding="utf-8")
        study = Study.load(tmp / "study.yml")
        samples: list[tuple[int, float]] = []
        done = threading.Event()
        red_dir = study.redacted_dir

        def watch() -> None:
            while not done.is_set():
                n_out = len(list(red_dir.glob("*.audit.jsonl"))) if red_dir.is_dir() else 0
                samples.append((n_out, _rss_mb()))
                time.sleep(0.5)

        redactor = stage.Redactor.for_study(study)
        base = _rss_mb()
        th = threading.Thread(target=watch, daemon=True)
        th.start()
        t0 = time.perf_counter()
        stage.redact_study(study, progress=False, redactor=redactor, workers=workers)
        secs = time.perf_counter() - t0
        done.set()
        th.join()

        def at(frac: float) -> float:
            target = frac * n
            return round(next((m for k, m in samples if k >= target), samples[-1][1]), 1)

        return {"transcripts": n, "workers": workers, "words": total_words, "seconds": round(secs, 1), "wps": round(total_words / secs),
                "rss_after_models_mb": round(base, 1), "peak_rss_mb": round(max(m for _, m in samples), 1),
                "rss_at_10pct_mb": at(0.1), "rss_at_50pct_mb": at(0.5), "rss_at_100pct_mb": at(1.0)}
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--repeat", type=int, default=3, help="Repeat the English texts N times (default 3).")
    ap.add_argument("--workers", type=int, default=1,
                    help="Processes for the spaCy baseline's nlp.pipe and for our stage in the scale run.")
    ap.add_argument("--scale", type=int, default=0, help="Also redact N varied copies of the corpus (e.g. 1000).")
    args = ap.parse_args(argv)
    import json

    out = {"throughput_en": bench_throughput(args.repeat, args.workers)}
    print(json.dumps(out, indent=1), flush=True)
    if args.scale:
        out["scale"] = bench_scale(args.scale, args.workers)
        print(json.dumps({"scale": out["scale"]}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
