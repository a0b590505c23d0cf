"""`unreported run`: the whole study, stage by stage."""

from __future__ import annotations

from typing import Annotated

import typer

from unreported.cli import StudyOption


def register(app: typer.Typer) -> None:
    """Add the top-level ``run`` command to ``app``."""

    @app.command("run")
    def run(
        study: StudyOption = None,
        force: Annotated[bool, typer.Option("--force", help="Rerun every step even if its inputs are unchanged.")] = False,
    ) -> None:
        """Run notebooks 01–05 (corpus, redaction, coding, topics, reports), skipping unchanged steps."""
        from unreported.config import Study
        from unreported.pipeline import run_study

        run_study(Study.load(study), force=force)
