"""`unreported report ...` commands."""

from __future__ import annotations

import typer

app = typer.Typer(help="report stage.", no_args_is_help=True)
