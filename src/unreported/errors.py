"""Errors that point at the user's input, never at our internals.

Every message names the file (and line or row where known) so that a researcher can fix
the input. Messages must never quote transcript text: a name in an error message is a leak.
"""

from __future__ import annotations

from pathlib import Path


class UnreportedError(Exception):
    """Base class for every error the CLI reports as a clean message with exit code 1."""

    def __init__(self, message: str, *, path: Path | str | None = None, line: int | None = None) -> None:
        self.message = message
        self.path = Path(path) if path is not None else None
        self.line = line
        super().__init__(str(self))

    def __str__(self) -> str:
        where = ""
        if self.path is not None:
            where = f"{self.path}"
            if self.line is not None:
                where += f":{self.line}"
            where += ": "
        return f"{where}{self.message}"


class ConfigError(UnreportedError):
    """A study, codebook, policy or country-format file is missing or invalid."""


class CorpusError(UnreportedError):
    """A transcript or the manifest cannot be read or is inconsistent."""


class ConsentError(CorpusError):
    """A transcript has no recorded consent; every stage refuses it."""


class RedactionError(UnreportedError):
    """Redaction failed, or a later stage was given input without a redaction audit."""


class LeakError(UnreportedError):
    """The leak check found an original identifying string in an output."""
