"""The ``unreported`` command: a thin layer over the library, one sub-command group per stage.

Each command parses its options and calls one library function. Errors from the library
(:class:`~unreported.errors.UnreportedError`) are printed as one clean message (never
transcript text) with exit code 1.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.markup import escape

from unreported import __version__
from unreported.errors import UnreportedError

console = Console(stderr=True)

StudyOption = Annotated[
    Optional[Path],
    typer.Option("--study", "-s", help="Study configuration file (default: $UNREPORTED_STUDY or ./study.yml)."),
]


def _version(value: bool) -> None:
    if value:
        typer.echo(f"unreported {__version__}")
        raise typer.Exit()


def _build_app() -> typer.Typer:
    from unreported.cli import code, corpus, pii, redact, report, run, topics

    app = typer.Typer(
        name="unreported",
        help="Reproducible qualitative research on why victims of trafficking do not report to the police.",
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
    )

    @app.callback()
    def main(
        version: Annotated[
            bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
        ] = False,
        verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log progress details.")] = False,
    ) -> None:
        logging.basicConfig(
            level=logging.INFO if verbose else logging.WARNING,
            format="%(levelname)s: %(message)s",
        )

    app.add_typer(corpus.app, name="corpus")
    app.add_typer(redact.app, name="redact")
    app.add_typer(pii.app, name="pii")
    app.add_typer(code.app, name="code")
    app.add_typer(topics.app, name="topics")
    app.add_typer(report.app, name="report")
    run.register(app)
    return app


def main() -> None:
    """Console-script entry point: run the app, turning library errors into clean messages."""
    app = _build_app()
    try:
        app(standalone_mode=False, prog_name="unreported")
    except UnreportedError as exc:
        console.print(f"[bold red]error:[/] {escape(str(exc))}", markup=True, highlight=False, soft_wrap=True)
        sys.exit(1)
    except (typer.Exit, SystemExit) as exc:
        code = getattr(exc, "exit_code", getattr(exc, "code", 0))
        sys.exit(code or 0)
    except typer.Abort:
        console.print("aborted")
        sys.exit(1)
    except _usage_errors() as exc:  # unknown command or option, missing argument: usage, no traceback
        exc.show()
        sys.exit(exc.exit_code)


def _usage_errors() -> tuple[type[Exception], ...]:
    """Click's usage errors: typer ≥ 0.24 raises those of its own copy of click, older ones click's."""
    import click

    ours = getattr(typer, "TyperException", None)
    return (click.ClickException,) + ((ours,) if ours is not None else ())


app = main
