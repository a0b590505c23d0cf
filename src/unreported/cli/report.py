"""`unreported report ...` commands."""

from __future__ import annotations

from typing import Annotated

import typer

from unreported.cli import StudyOption, console

app = typer.Typer(help="Render the reviewers' reports (Quarto, or the Jupyter + pandoc fallback).", no_args_is_help=True)


@app.command("render")
def render(
    study: StudyOption = None,
    renderer: Annotated[
        str, typer.Option("--renderer", help="auto (Quarto if on PATH, else fallback), quarto or fallback.")
    ] = "auto",
) -> None:
    """Render reports/*.qmd into output/reports/ and leak-check the HTML (non-zero exit on a hit)."""
    from unreported.config import Study
    from unreported.errors import UnreportedError
    from unreported.report.render import findings_page, render_reports

    if renderer not in ("auto", "quarto", "fallback"):
        raise UnreportedError(f"unknown renderer {renderer!r}; use auto, quarto or fallback")
    st = Study.load(study)
    result = render_reports(st, renderer=renderer)  # type: ignore[arg-type]
    for page in result.pages:
        console.print(f"  {page}")
    console.print(
        f"rendered {len(result.pages)} pages with {result.renderer} in {result.seconds:.1f} s; "
        f"leak check: {result.leak_hits} hits in {result.leak_files} files"
    )
    console.print(f"open {findings_page(st)}")
