"""Atomic, deterministic writes and content-hash caching shared by every stage.

Each stage reads files and writes files. Writes go to a temporary file in the same folder
and are renamed into place, so an interrupted run never leaves a half-written output.
JSON is written with sorted keys and no timestamps so that the same input gives the same
bytes. A stage records the hash of its inputs and settings in ``<stage dir>/.stamp.json``;
when the hash is unchanged the stage is skipped.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import tempfile
import zipfile
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any


def _default_mode() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def atomic_write_bytes(path: Path, data: bytes, *, mode: int | None = None) -> None:
    """Write ``data`` to ``path`` so that readers see either the old file or the whole new one.

    ``mode`` defaults to what the user's umask gives a new file; secrets pass ``0o600``, which
    is set before the file appears under its name.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, _default_mode() if mode is None else mode)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def atomic_write_text(path: Path, text: str) -> None:
    atomic_write_bytes(path, text.encode("utf-8"))


def dumps(obj: Any) -> str:
    """Deterministic JSON: sorted keys, UTF-8 kept readable, no trailing spaces."""
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(", ", ": "))


def write_json(path: Path, obj: Any) -> None:
    atomic_write_text(path, json.dumps(obj, ensure_ascii=False, sort_keys=True, indent=2) + "\n")


def write_jsonl(path: Path, records: Iterable[Mapping[str, Any]]) -> int:
    """Write one JSON object per line; returns the number of records."""
    lines = [dumps(dict(r)) for r in records]
    atomic_write_text(path, "".join(line + "\n" for line in lines))
    return len(lines)


def iter_jsonl(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line number, object) for every non-blank line; errors name the file and line."""
    from unreported.errors import UnreportedError

    path = Path(path)
    if not path.is_file():
        raise UnreportedError("file not found", path=path)
    with path.open("rb") as fh:
        for lineno, raw in enumerate(fh, start=1):
            try:
                line = raw.decode("utf-8-sig" if lineno == 1 else "utf-8")
            except UnicodeDecodeError as exc:
                raise UnreportedError(f"not UTF-8 (byte {exc.start} of the line); save the file as UTF-8", path=path, line=lineno) from None
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                raise UnreportedError(f"invalid JSON ({exc.msg})", path=path, line=lineno) from None
            if not isinstance(obj, dict):
                raise UnreportedError("each line must be a JSON object", path=path, line=lineno)
            yield lineno, obj


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [obj for _, obj in iter_jsonl(path)]


ZIP_DATE = (2021, 1, 1, 0, 0, 0)
_OOXML_TIME = re.compile(rb"(<dcterms:(created|modified)[^>]*>)[^<]*")


def deterministic_zip(data: bytes) -> bytes:
    """Rewrite a zip (.docx, .xlsx) with fixed entry dates and Office document-property times.

    Office libraries stamp the current time into the archive; without this the same content
    would give different bytes on every run.
    """
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            content = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = _OOXML_TIME.sub(rb"\g<1>2021-01-01T00:00:00Z", content)
            entry = zipfile.ZipInfo(info.filename, date_time=ZIP_DATE)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            dst.writestr(entry, content)
    return out.getvalue()


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with Path(path).open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def fingerprint(files: Iterable[Path] = (), settings: Any = None) -> str:
    """One hash over the contents of ``files`` (by name and bytes) and JSON-able ``settings``."""
    h = hashlib.sha256()
    for f in sorted(Path(p) for p in files):
        h.update(str(f.name).encode("utf-8") + b"\0")
        h.update(sha256_file(f).encode("ascii") + b"\0")
    h.update(dumps(settings).encode("utf-8"))
    return h.hexdigest()


class Stamp:
    """The record of the inputs a stage's outputs were made from (``.stamp.json`` in its folder)."""

    def __init__(self, stage_dir: Path) -> None:
        self.path = Path(stage_dir) / ".stamp.json"

    def read(self) -> dict[str, Any]:
        try:
            return json.loads(self.path.read_text(encoding="utf-8"))
        except (FileNotFoundError, json.JSONDecodeError):
            return {}

    def is_fresh(self, key: str, outputs: Iterable[Path] = ()) -> bool:
        """True when the last run had the same input hash and all its outputs still exist."""
        return self.read().get("key") == key and all(Path(p).exists() for p in outputs)

    def write(self, key: str, **extra: Any) -> None:
        write_json(self.path, {"key": key, **extra})
