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
    if summary.get("macro_kappa") is not None:
        console.print(f"  cross-validated macro kappa vs human codes: {summary['macro_kappa']:.3f} (calibration.json)")


@app.command("apply")
def apply(
    in_path: Annotated[Path, typer.Argument(metavar="IN.jsonl", help='Records {"id", "text", "lang"?}; lang is guessed from the script when absent.')],
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
