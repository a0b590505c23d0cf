"""`unreported corpus ...` commands."""

from __future__ import annotations

import pandas as pd
import typer
from rich.console import Console
from rich.table import Table

from unreported.cli import StudyOption
from unreported.errors import CorpusError

app = typer.Typer(help="Check and describe the transcript corpus (reads only; never writes to it).", no_args_is_help=True)

_BREAKDOWNS = (
    ("respondent_group", "Respondent group"),
    ("language", "Language"),
    ("kind", "Kind"),
)
_COLUMNS = (
    ("transcripts", "Transcripts"),
    ("turns", "Turns"),
    ("respondent_turns", "Respondent turns"),
    ("words", "Words"),
)


def _table(summary: pd.DataFrame, key: str, title: str) -> Table:
    table = Table(title=f"By {title.lower()}", title_justify="left")
    table.add_column(title)
    for _, header in _COLUMNS:
        table.add_column(header, justify="right")
    last = len(summary) - 1
    for i, row in summary.iterrows():
        cells = [str(row[key])] + [f"{int(row[c]):,}" for c, _ in _COLUMNS]
        table.add_row(*cells, style="bold" if i == last else None, end_section=i == last - 1)
    return table


@app.command("check")
def check(study: StudyOption = None) -> None:
    """Validate the manifest and every transcript; print transcripts, turns and words per
    respondent group, language and kind. Exits with 1 on any problem."""
    from unreported import corpus
    from unreported.config import Study

    loaded = Study.load(study)
    result = corpus.check_corpus(loaded.corpus_dir)
    out = Console()
    out.print(f"Corpus: {result.corpus_dir}", highlight=False)
    if result.transcripts:
        table = corpus.transcript_table(result.transcripts)
        for key, title in _BREAKDOWNS:
            out.print(_table(corpus.summarize(table, by=key), key, title))
    if not result.ok:
        raise CorpusError(
            f"{len(result.problems)} of {len(result.problems) + len(result.transcripts)} transcript(s) "
            "cannot be used:\n  " + "\n  ".join(result.problems),
            path=loaded.manifest_path,
        )
    out.print(f"[green]ok[/]: {len(result.transcripts)} transcripts, all readable.")
