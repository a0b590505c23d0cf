"""The corpus manifest (``manifest.csv``): one row per transcript, validated on load.

Every problem is collected and reported together, each with the manifest's file name and
the row number as a spreadsheet shows it (the header is row 1), so a researcher can fix
them all in one pass.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from unreported.config import RESPONDENT_GROUPS
from unreported.errors import CorpusError

#: Transcript formats the corpus reader supports (``unreported.corpus`` reads them).
SUPPORTED_SUFFIXES = (".txt", ".docx", ".vtt", ".srt")
COLUMNS = ("id", "file", "kind", "respondent_group", "language", "region", "date", "consent")
_TRUE = {"yes", "y", "true", "1", "да", "ооба"}
_FALSE = {"no", "n", "false", "0", "нет", "жок", ""}


class ManifestEntry(BaseModel):
    """One transcript as the manifest describes it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,63}$", description="Stable transcript id.")
    file: str = Field(min_length=1, description="Path of the transcript, relative to the corpus folder.")
    kind: Literal["IDI", "FGD"] = Field(description="In-depth interview or focus-group discussion.")
    respondent_group: str = Field(description="One of the respondent groups of the study.")
    language: Literal["en", "ru", "ky", "kk", "tg", "uz"] = Field(description="ISO 639-1 language code.")
    region: str = Field(default="", description="Region of the fieldwork (kept in the raw zone).")
    date: dt.date | None = Field(default=None, description="Date of the interview, YYYY-MM-DD.")
    consent: bool = Field(description="Informed consent recorded (yes/no).")

    @field_validator("respondent_group")
    @classmethod
    def _known_group(cls, v: str) -> str:
        if v not in RESPONDENT_GROUPS:
            raise ValueError(f"unknown respondent group {v!r}; use one of {', '.join(RESPONDENT_GROUPS)}")
        return v

    @field_validator("consent", mode="before")
    @classmethod
    def _yes_no(cls, v: object) -> bool:
        if isinstance(v, bool):
            return v
        s = str(v).strip().lower()
        if s in _TRUE:
            return True
        if s in _FALSE:
            return False
        raise ValueError(f"must be yes or no, not {v!r}")

    @field_validator("date", mode="before")
    @classmethod
    def _empty_date(cls, v: object) -> object:
        return None if isinstance(v, str) and not v.strip() else v


@dataclass(frozen=True)
class Manifest:
    path: Path
    entries: tuple[ManifestEntry, ...]

    def by_id(self) -> dict[str, ManifestEntry]:
        return {e.id: e for e in self.entries}


def load_manifest(path: Path, *, check_files: bool = True) -> Manifest:
    """Read and validate ``manifest.csv``.

    Errors (all reported at once): unreadable file, missing columns, invalid rows, duplicate
    ids or files, listed files that do not exist and transcript files that are not listed.
    """
    path = Path(path)
    if not path.is_file():
        raise CorpusError("manifest not found (every corpus folder needs a manifest.csv)", path=path)
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CorpusError(f"manifest is not UTF-8 (invalid byte at offset {exc.start}); save it as UTF-8 CSV", path=path) from None
    if not text.strip():
        raise CorpusError("manifest is empty", path=path)
    first_line = text.lstrip("\ufeff").split("\n", 1)[0]
    # Excel in Russian and Kyrgyz locales saves "CSV" with semicolons.
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    header = [h.strip() for h in (reader.fieldnames or [])]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise CorpusError(f"manifest lacks column(s) {', '.join(missing)}; expected {', '.join(COLUMNS)}", path=path, line=1)
    extra = [c for c in header if c not in COLUMNS]
    if extra:
        raise CorpusError(f"manifest has unknown column(s) {', '.join(extra)}", path=path, line=1)

    problems: list[str] = []
    entries: list[ManifestEntry] = []
    seen_ids: dict[str, int] = {}
    seen_files: dict[str, int] = {}
    for rowno, row in enumerate(reader, start=2):
        if row.get(None):
            problems.append(f"row {rowno}: more values than columns")
            continue
        values = {k.strip(): (v or "").strip() for k, v in row.items() if k is not None}
        if not any(values.values()):
            continue
        try:
            entry = ManifestEntry.model_validate(values)
        except ValidationError as exc:
            for err in exc.errors():
                field = ".".join(str(p) for p in err["loc"]) or "row"
                msg = err["msg"].removeprefix("Value error, ")
                problems.append(f"row {rowno}, column {field}: {msg}")
            continue
        rel = PurePosixPath(entry.file.replace("\\", "/"))
        if rel.is_absolute() or ".." in rel.parts:
            problems.append(f"row {rowno}, column file: {entry.file!r} must be a path inside the corpus folder")
            continue
        if rel.suffix.lower() not in SUPPORTED_SUFFIXES:
            problems.append(
                f"row {rowno}, column file: unsupported file type {rel.suffix or '(none)'!r}; "
                f"use one of {', '.join(SUPPORTED_SUFFIXES)}"
            )
        entry = entry.model_copy(update={"file": str(rel)})
        if entry.id in seen_ids:
            problems.append(f"row {rowno}: duplicate id {entry.id!r} (first at row {seen_ids[entry.id]})")
        seen_ids.setdefault(entry.id, rowno)
        if entry.file in seen_files:
            problems.append(f"row {rowno}: file {entry.file!r} already listed at row {seen_files[entry.file]}")
        seen_files.setdefault(entry.file, rowno)
        if check_files and not (path.parent / entry.file).is_file():
            problems.append(f"row {rowno}: listed file {entry.file!r} does not exist")
        entries.append(entry)

    if check_files:
        listed = {str(Path(f)) for f in seen_files}
        for f in sorted(path.parent.rglob("*")):
            rel = f.relative_to(path.parent)
            if (
                f.is_file()
                and f.suffix.lower() in SUPPORTED_SUFFIXES
                and rel.parts[0] not in ("gold", "source")
                and not any(p.startswith(".") for p in rel.parts)
                and f.name.lower() != "readme.txt"
                and str(rel) not in listed
            ):
                problems.append(f"file {str(rel)!r} is not listed in the manifest")
    if problems:
        shown = problems[:50]
        more = f"\n  ... and {len(problems) - 50} more" if len(problems) > 50 else ""
        raise CorpusError(
            f"{len(problems)} problem(s) in the manifest:\n  " + "\n  ".join(shown) + more, path=path
        )
    if not entries:
        raise CorpusError("manifest lists no transcripts", path=path)
    return Manifest(path=path, entries=tuple(entries))
