"""`unreported code ...`: the coding stage, and auto-coding of any JSONL file of texts."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from unreported.cli import StudyOption, console

app = typer.Typer(
    help="Code respondents' turns against the seven-factor codebook (output/coding/).",
    invoke_without_command=True,
)


@app.callback()
def code(
    ctx: typer.Context,
    study: StudyOption = None,
    force: Annotated[bool, typer.Option("--force", help="Recompute even when the inputs are unchanged.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
) -> None:
    """Build units from the redacted corpus, auto-code them, measure agreement, export QDA files."""
    if ctx.invoked_subcommand is not None:
        return
    from unreported.coding.stage import code_study
    from unreported.config import Study

    s = Study.load(study)
    summary = code_study(s, progress=not quiet, force=force)
    if summary.get("skipped"):
        console.print(f"coding is up to date ({s.coding_dir})")
        return
    console.print(
        f"coded {summary['units']} unit(s) from {summary['documents']} transcript(s): "
        f"{summary['codes']} code(s), mode {summary['mode']} -> {s.coding_dir}"
    )
    if summary.get("label_source") == "coded examples":
        console.print(
            f"  no coded units in this corpus: trained on {summary['training_examples']} coded example(s) and the "
            f"codebook's anchors; macro kappa within them (cross-validated): {summary['examples_kappa']:.3f}; "
            "agreement with this corpus is not measured until units are coded (unreported code sample)"
        )
    elif summary.get("macro_kappa") is not None:
        console.print(
            f"  trained on {summary['training_units']} coded unit(s) and {summary['training_examples']} coded example(s); "
            f"cross-validated macro kappa vs human codes: {summary['macro_kappa']:.3f} (calibration.json)"
        )


@app.command("apply")
def apply(
    in_path: Annotated[Path, typer.Argument(metavar="IN.jsonl", help='Records {"id", "text", "lang"?, "context"?}; lang is guessed from the script when absent; context is the question the text answers.')],
    out: Annotated[Path, typer.Option("--out", "-o", metavar="OUT.jsonl", help="Where to write the records with their codes.")],
    study: StudyOption = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
) -> None:
    """Auto-code texts: each record comes back with "codes": [{"code", "score", "evidence", "method"}]."""
    from unreported.cache import read_jsonl, write_jsonl
    from unreported.coding.stage import code_records
    from unreported.config import Study

    records = read_jsonl(in_path)
    result = code_records(records, Study.load(study), path=in_path, progress=not quiet)
    n = write_jsonl(out, result)
    coded = sum(1 for r in result if r["codes"])
    console.print(f"{n} record(s), {coded} with at least one code -> {out}")


@app.command("sample")
def sample(
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder for the blind sheets (one per coder) and sample.csv.")],
    coders: Annotated[str, typer.Option("--coders", help="Comma-separated coder names; each gets <name>.xlsx.")] = "coder1,coder2",
    n: Annotated[int, typer.Option("--n", min=1, help="Units in the sample (all units if fewer).")] = 60,
    study: StudyOption = None,
) -> None:
    """Draw a double-coding sample: the same units in a blind sheet per coder, for human–human α.

    Stratified by language and suggested factor; put the coded sheets in coding/human/ and rerun
    `unreported code`: reliability.csv then compares the coders with each other and the auto-coder."""
    from unreported.cache import read_jsonl
    from unreported.coding.codebook import load_codebook
    from unreported.coding.sample import write_double_coding
    from unreported.coding.stage import human_dir
    from unreported.config import Study
    from unreported.errors import UnreportedError

    s = Study.load(study)
    units_path, codes_path = s.coding_dir / "units.jsonl", s.coding_dir / "codes.jsonl"
    if not units_path.is_file() or not codes_path.is_file():
        raise UnreportedError("no coded units yet: run `unreported code` first", path=s.coding_dir)
    suggestions: dict[str, list[dict]] = {}
    for rec in read_jsonl(codes_path):
        suggestions.setdefault(str(rec["unit"]), []).append(rec)
    codebook = load_codebook(s.codebook_path)
    names = [c.strip() for c in coders.split(",") if c.strip()]
    counts = write_double_coding(
        out, read_jsonl(units_path), suggestions, codebook.codes, codebook.names("en"), names, n, seed=s.config.seed,
    )
    console.print(f"{sum(counts.values())} unit(s) in {len(counts)} strata -> {', '.join(f'{c}.xlsx' for c in names)} in {out}")
    console.print(f"  when coded, put the sheets in {human_dir(s)} and run `unreported code`")
