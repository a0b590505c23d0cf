"""`unreported topics ...`: the topic-modelling stage and a file-to-file fit."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from unreported.cli import StudyOption, console

app = typer.Typer(help="Topic modelling (BERTopic, offline) over the coded units -> output/topics/.",
                  invoke_without_command=True)

SettingsOption = Annotated[Optional[Path], typer.Option("--settings", help="YAML file of topic settings (see TopicSettings).")]
ModeOption = Annotated[Optional[str], typer.Option("--mode", help="unguided, guided (codebook seed words) or zeroshot.")]
ClusteringOption = Annotated[Optional[str], typer.Option("--clustering", help="hdbscan or kmeans.")]


@app.callback()
def topics(ctx: typer.Context, study: StudyOption = None, settings: SettingsOption = None,
           mode: ModeOption = None, clustering: ClusteringOption = None,
           seed: Annotated[Optional[int], typer.Option("--seed", help="Seed (default: the study's).")] = None,
           force: Annotated[bool, typer.Option("--force", help="Refit even if the inputs are unchanged.")] = False) -> None:
    """Fit topics over output/coding/units.jsonl, align them with F1–F7 and flag emergent themes."""
    if ctx.invoked_subcommand is not None:
        return
    from unreported.config import Study
    from unreported.topics.stage import load_settings, run_topics

    st = Study.load(study)
    cfg = load_settings(settings, seed=seed if seed is not None else st.config.seed, mode=mode, clustering=clustering)
    res = run_topics(st, cfg, force=force)
    m = res.manifest
    if res.skipped:
        console.print(f"topics: inputs unchanged, kept {res.out_dir}")
        return
    console.print(f"{m['units']} units -> {m['topics']} topics; outliers {m['outlier_share']:.1%} "
                  f"(before reduction {m['outlier_share_before_reduction']:.1%}) -> {res.out_dir}")
    for lab in m["emergent_topics"]:
        console.print(f"  emergent: {lab}", highlight=False)


@app.command("fit")
def fit(in_path: Annotated[Path, typer.Argument(metavar="IN.jsonl", help='Records {"id", "text", "lang"?} (lang defaults to en).')],
        out: Annotated[Path, typer.Option("--output", "-o", help="Output JSONL: the records plus topic and topic_label.")],
        seed: Annotated[int, typer.Option("--seed", help="Seed for UMAP, SVD and KMeans.")] = 42,
        settings: SettingsOption = None, mode: ModeOption = None, clustering: ClusteringOption = None,
        codebook: Annotated[Optional[Path], typer.Option("--codebook", help="Codebook for guided/zeroshot (default: the project's).")] = None) -> None:
    """Assign a topic to every record of IN.jsonl (-1 only for outliers left after reduction)."""
    from unreported.config import DEFAULT_STUDY_FILE
    from unreported.topics.stage import fit_file, load_settings

    cfg = load_settings(settings, seed=seed, mode=mode, clustering=clustering)
    if codebook is None:
        codebook = DEFAULT_STUDY_FILE.parent / "coding" / "codebook.yml"
    res = fit_file(in_path, out, cfg, codebook)
    console.print(f"{len(res.topics)} records -> {len(res.info)} topics, outliers {res.outlier_share:.1%} -> {out}")
