"""`unreported redact ...`: the redaction stage, the leak check and re-identification."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from unreported.cli import StudyOption, console

app = typer.Typer(help="Redact transcripts into output/redacted/ (pseudonyms, audit, leak check).",
                  invoke_without_command=True)


@app.callback()
def redact(ctx: typer.Context, study: StudyOption = None,
           quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
           workers: Annotated[int, typer.Option("--workers", "-w", min=1,
                                                help="Processes for detection (each loads the models, ~0.6 GB).")] = 1) -> None:
    """Redact every consented transcript of the study (exits non-zero if any is quarantined)."""
    if ctx.invoked_subcommand is not None:
        return
    from unreported.config import Study
    from unreported.redaction.stage import redact_study

    summary = redact_study(Study.load(study), progress=not quiet, workers=workers)
    console.print(f"redacted {summary['documents']} transcript(s) ({summary['reused']} unchanged) -> {summary['output']}")
    for label, n in summary["labels"].items():
        console.print(f"  {label:<14} {n}")


@app.command("check")
def check(study: StudyOption = None,
          paths: Annotated[Optional[list[Path]], typer.Argument(help="Files or folders (default: output/redacted).")] = None) -> None:
    """Scan redacted outputs (or rendered reports) for original strings; exits 1 naming file and line."""
    from unreported.config import Study
    from unreported.redaction.leakcheck import check_paths

    hits = check_paths(Study.load(study), paths or None)
    for h in hits:
        console.print(f"leak: {h}", highlight=False)
    if hits:
        console.print(f"[bold red]{len(hits)} possible leak(s)[/]")
        raise typer.Exit(1)
    console.print("leak check passed")


@app.command("reidentify")
def reidentify(pseudonym: Annotated[str, typer.Argument(help="A pseudonym such as [PERSON_07] or PERSON_07.")],
               study: StudyOption = None) -> None:
    """Show the original forms behind a pseudonym (needs the key secret). Prints to the terminal only."""
    import re

    from unreported.config import Study
    from unreported.errors import RedactionError
    from unreported.redaction.keystore import open_for_study

    m = re.fullmatch(r"\[?([A-Z_]+?)_(\d+)\]?", pseudonym.strip())
    if not m:
        raise RedactionError("not a pseudonym: expected e.g. [PERSON_07]")
    forms = open_for_study(Study.load(study), create=False).lookup(m.group(1), int(m.group(2)))
    if not forms:
        raise RedactionError(f"no entry for {pseudonym} in the key")
    for f in forms:
        typer.echo(f)
