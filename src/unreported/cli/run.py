"""`unreported run`: the whole study, stage by stage."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add the top-level ``run`` command to ``app``."""
