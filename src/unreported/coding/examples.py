"""Coded example answers: labelled training rows for the supervised coder beside the study's
own human-coded units.

Why: a study codes a few hundred turns at most, and few of them in each language (the bundled
corpus has 3 Kyrgyz turns coded F3). The codebook's anchors add four examples per factor and
language; an examples file adds as many as a team writes, including answers that carry *no*
code (near misses the exclusion criteria rule out), which anchors cannot express. Examples are
study data: they live under ``coding/`` beside the codebook, are named in ``study.yml``
(``coding_examples``) and enter every training fold of the cross-validation but never a test
fold, so the reported κ is still measured on the study's own transcripts only.

Format: JSON Lines, one answer per line, ``{"id", "lang", "question"?, "text", "codes"}``, as
``unreported code apply`` reads and writes; a folder means every ``*.jsonl`` file in it.
Read with ``unreported.cache.iter_jsonl`` (encoding and JSON errors); errors name the file and
line, never the text.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from unreported.cache import iter_jsonl
from unreported.errors import ConfigError

#: A file larger than this is refused: examples are written by hand, not exported corpora.
MAX_BYTES = 20 * 1024 * 1024


class Example(BaseModel):
    """One coded answer (and, where known, the question it answers)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(min_length=1)
    lang: str = Field(min_length=2)
    question: str | None = None
    text: str
    codes: tuple[str, ...]

    @field_validator("text")
    @classmethod
    def _not_blank(cls, v: str) -> str:
        if not v.strip():
            raise ValueError("is empty")
        return v

    @field_validator("codes")
    @classmethod
    def _unique(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        if len(set(v)) != len(v):
            raise ValueError("lists a code twice")
        return v


def example_files(path: Path) -> list[Path]:
    """``path`` itself, or the ``*.jsonl`` files of a folder in name order."""
    if path.is_dir():
        files = sorted(p for p in path.glob("*.jsonl") if p.is_file())
        if not files:
            raise ConfigError("the coding examples folder has no .jsonl files", path=path)
        return files
    if not path.is_file():
        raise ConfigError("coding examples not found (coding_examples in study.yml)", path=path)
    return [path]


def _first_error(exc: ValidationError) -> str:
    err = exc.errors()[0]
    field = ".".join(str(p) for p in err["loc"]) or "record"
    return f'"{field}": {err["msg"]}'.replace("Value error, ", "")


def load_examples(path: Path, codes: Sequence[str], languages: Sequence[str]) -> list[Example]:
    """Every example under ``path``, checked against the codebook's codes and languages."""
    examples: list[Example] = []
    seen: dict[str, Path] = {}
    for file in example_files(Path(path)):
        if file.stat().st_size > MAX_BYTES:
            raise ConfigError(f"file is {file.stat().st_size:,} bytes, over the {MAX_BYTES:,} bytes limit", path=file)
        for lineno, record in iter_jsonl(file):
            try:
                ex = Example.model_validate(record)
            except ValidationError as exc:
                raise ConfigError(_first_error(exc), path=file, line=lineno) from None
            unknown = sorted(set(ex.codes) - set(codes))
            if unknown:
                raise ConfigError(f"unknown code(s) {', '.join(unknown)}; the codebook has {', '.join(codes)}", path=file, line=lineno)
            if ex.lang not in languages:
                raise ConfigError(f"language '{ex.lang}' is not a language of the codebook ({', '.join(languages)})", path=file, line=lineno)
            if ex.id in seen:
                raise ConfigError(f"duplicate id '{ex.id}' (also in {seen[ex.id].name})", path=file, line=lineno)
            seen[ex.id] = file
            examples.append(ex)
    if not examples:
        raise ConfigError("no coding examples in the file(s)", path=path)
    return examples
