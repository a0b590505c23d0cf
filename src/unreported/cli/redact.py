"""`unreported redact ...` commands."""

from __future__ import annotations

import typer

app = typer.Typer(help="redact stage.", no_args_is_help=True)
