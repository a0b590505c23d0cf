"""`unreported corpus ...` commands."""

from __future__ import annotations

import typer

app = typer.Typer(help="corpus stage.", no_args_is_help=True)
