"""The redacted zone: what the redaction stage writes and every later stage reads.

``output/redacted/`` holds, per transcript, ``<id>.txt`` (the redacted canonical text, with
speaker labels and line structure unchanged so turn indices match the original) and
``<id>.audit.jsonl`` (one line per replaced span: label, offsets in the redacted text,
detector, score, never the original string), plus ``index.json`` listing each document with
its manifest metadata (no region: places below country level are PII) and the SHA-256 of
both files. Later stages read only through :func:`iter_redacted`, which refuses a document
whose audit is missing or whose files do not match the index: no audit, no use.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from unreported.cache import read_jsonl, sha256_file
from unreported.errors import RedactionError

INDEX_FILE = "index.json"
#: A replacement in redacted text: ``[PERSON]`` (tag) or ``[PERSON_7]`` (numbered pseudonym).
PLACEHOLDER_RE = re.compile(r"\[(?P<label>[A-Z][A-Z_]*?)(?:_\d+)?\]")


def unnumbered(text: str) -> str:
    """``[PERSON_271]`` → ``[PERSON]`` padded with spaces to the same length.

    Why: a pseudonym's number depends on the key store's history (numbers are kept study-wide
    so that a person stays ``[PERSON_3]`` across reruns), so anything learnt from redacted text
    must not see it; the padding keeps every offset into the text valid."""
    return PLACEHOLDER_RE.sub(lambda m: f"[{m['label']}]".ljust(len(m[0])), text)


@dataclass(frozen=True)
class RedactedDoc:
    """One redacted transcript as later stages see it."""

    id: str
    text: str
    language: str
    respondent_group: str
    kind: str
    date: str
    audit: tuple[dict[str, Any], ...]
    path: Path


def text_path(redacted_dir: Path, doc_id: str) -> Path:
    return Path(redacted_dir) / f"{doc_id}.txt"


def audit_path(redacted_dir: Path, doc_id: str) -> Path:
    return Path(redacted_dir) / f"{doc_id}.audit.jsonl"


def read_index(redacted_dir: Path) -> dict[str, Any]:
    path = Path(redacted_dir) / INDEX_FILE
    if not path.is_file():
        raise RedactionError("no redaction index: run `unreported redact` first", path=path)
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise RedactionError(f"redaction index is not valid JSON ({exc.msg})", path=path) from None


def iter_redacted(redacted_dir: Path, ids: set[str] | None = None) -> Iterator[RedactedDoc]:
    """Yield redacted documents in index order; fail closed on anything unaudited or altered."""
    redacted_dir = Path(redacted_dir)
    index = read_index(redacted_dir)
    for doc in index.get("documents", []):
        if ids is not None and doc["id"] not in ids:
            continue
        tpath, apath = text_path(redacted_dir, doc["id"]), audit_path(redacted_dir, doc["id"])
        if not apath.is_file():
            raise RedactionError("redacted text has no audit file; refusing it", path=tpath)
        if not tpath.is_file():
            raise RedactionError("redacted text listed in the index is missing", path=tpath)
        if sha256_file(tpath) != doc["text_sha256"] or sha256_file(apath) != doc["audit_sha256"]:
            raise RedactionError("redacted text or audit does not match the index (edited by hand?); rerun redaction", path=tpath)
        yield RedactedDoc(
            id=doc["id"],
            text=tpath.read_text(encoding="utf-8"),
            language=doc["language"],
            respondent_group=doc["respondent_group"],
            kind=doc["kind"],
            date=doc.get("date", ""),
            audit=tuple(read_jsonl(apath)),
            path=tpath,
        )
