"""`unreported code ...` commands."""

from __future__ import annotations

import typer

app = typer.Typer(help="code stage.", no_args_is_help=True)
