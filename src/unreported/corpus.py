"""Transcript ingestion: files in, canonical text and speaker turns out.

Every later stage points back into a transcript through offsets, so the text has one
canonical form, defined here: the decoded file with the byte-order mark removed, every
line ending turned into ``\\n`` and Unicode in NFC. Offsets everywhere in the project are
Python string indices (code points) into that canonical text.

Formats: ``.txt`` (UTF-8, UTF-8 with BOM, cp1251 and KOI8-R detected), ``.docx``
(paragraphs joined by ``\\n``) and ``.vtt`` / ``.srt`` (each cue becomes a ``Speaker: text``
line). Lines starting with ``#`` before the first turn are a header (the synthetic files say
there that they are fictional); they belong to no turn.

Nothing under ``corpus/`` is ever written by this module.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from unreported.errors import ConsentError, CorpusError
from unreported.manifest import Manifest, ManifestEntry, load_manifest

log = logging.getLogger(__name__)

#: Files larger than this are refused: a transcript is text, not a data dump.
MAX_FILE_BYTES = 20 * 1024 * 1024
SUPPORTED_SUFFIXES = (".txt", ".docx", ".vtt", ".srt")

# Speaker labels: a role word (English, Russian, Kyrgyz), optionally numbered
# ("Participant 3", "Участник 3", "R1"). The role is what later stages use; the label is kept as written.
_ROLE_WORDS: dict[str, tuple[str, ...]] = {
    "interviewer": (
        "interviewer", "int", "q", "i",
        "интервьюер", "интервьюэр", "вопрос", "суроо", "суроо берүүчү", "маектешүүчү",
    ),
    "moderator": ("moderator", "facilitator", "модератор", "ведущий", "ведущая", "алып баруучу"),
    "respondent": (
        "respondent", "interviewee", "r", "a",
        "респондент", "респондентка", "ответ", "жооп", "жооп берүүчү",
    ),
    "participant": ("participant", "p", "участник", "участница", "катышуучу"),
}
_ROLE_OF: dict[str, str] = {w: role for role, words in _ROLE_WORDS.items() for w in words}
_LABEL_RE = re.compile(
    r"^(?P<label>(?P<word>"
    + "|".join(sorted((re.escape(w) for w in _ROLE_OF), key=len, reverse=True))
    + r")(?:[ \-]?(?P<num>\d{1,3}))?)[ \t]*[:：][ \t]*",
    re.IGNORECASE,
)

INTERVIEWER_ROLES = frozenset({"interviewer", "moderator"})


@dataclass(frozen=True)
class Turn:
    """One speaker turn. ``start``/``end`` delimit the spoken text (label excluded)."""

    index: int
    speaker: str
    role: str
    start: int
    end: int
    line: int
    label_start: int

    @property
    def is_respondent(self) -> bool:
        """True for respondents and focus-group participants: the people whose words are coded."""
        return self.role not in INTERVIEWER_ROLES


@dataclass(frozen=True)
class Transcript:
    """A transcript in canonical form, with its manifest entry."""

    entry: ManifestEntry
    path: Path
    text: str
    encoding: str
    turns: tuple[Turn, ...] = field(default_factory=tuple)

    @property
    def id(self) -> str:
        return self.entry.id

    def turn_text(self, turn: Turn) -> str:
        return self.text[turn.start : turn.end]

    @property
    def word_count(self) -> int:
        return sum(count_words(self.turn_text(t)) for t in self.turns)


_WORD_RE = re.compile(r"\w+(?:[-'’]\w+)*")


def count_words(text: str) -> int:
    return len(_WORD_RE.findall(text))


def speaker_role(label: str) -> str | None:
    """The role of a speaker label such as ``Участник 3``, or None if it is not a label."""
    m = _LABEL_RE.match(label.strip() + ":")
    return _ROLE_OF[m.group("word").lower()] if m else None


def canonicalize(text: str) -> str:
    """The canonical form every offset refers to (no BOM, ``\\n`` line ends, NFC)."""
    text = text.lstrip("\ufeff")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", text)


# --- decoding ---------------------------------------------------------------------------


def _looks_binary(data: bytes) -> bool:
    return b"\x00" in data[:65536]


def _cyrillic_score(text: str) -> float:
    """Share of letters that are Cyrillic lower-case vowels: high for real Russian or Kyrgyz text."""
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return 0.0
    vowels = set("аеёиоуыэюяөү")
    return sum(c in vowels for c in letters) / len(letters)


def decode_bytes(data: bytes, path: Path) -> tuple[str, str]:
    """Decode transcript bytes; returns (text, encoding name). Raises CorpusError naming the file."""
    if not data.strip():
        raise CorpusError("file is empty", path=path)
    if _looks_binary(data):
        raise CorpusError("binary file, not a text transcript (it contains NUL bytes)", path=path)
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError as exc:
            raise CorpusError(f"starts with a UTF-8 BOM but is not valid UTF-8 (byte {exc.start + 3})", path=path) from None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            raise CorpusError("starts with a UTF-16 BOM but is not valid UTF-16", path=path) from None
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as first_error:
        pass
    # Russian-language Windows and old Unix files: pick the 8-bit Cyrillic code page whose
    # decoding reads most like Cyrillic text (cp1251 and KOI8-R map the same bytes to different letters).
    candidates = []
    for enc in ("cp1251", "koi8_r"):
        try:
            candidates.append((_cyrillic_score(data.decode(enc)), enc))
        except UnicodeDecodeError:
            continue
    if candidates:
        score, enc = max(candidates)
        if score > 0.25:
            text = data.decode(enc)
            log.warning("%s: not UTF-8; decoded as %s", path, enc)
            return text, enc
    raise CorpusError(
        f"cannot decode: not UTF-8 (invalid byte at offset {first_error.start}) and not cp1251 or KOI8-R "
        "Cyrillic text; save it as UTF-8",
        path=path,
    )


def _read_docx(path: Path) -> str:
    try:
        import docx  # python-docx
        from docx.opc.exceptions import PackageNotFoundError
    except ImportError as exc:  # pragma: no cover - a declared dependency
        raise CorpusError("reading .docx needs python-docx (pip install python-docx)", path=path) from exc
    try:
        document = docx.Document(str(path))
    except (PackageNotFoundError, KeyError, ValueError, OSError) as exc:
        raise CorpusError(f"not a readable Word .docx file ({type(exc).__name__})", path=path) from None
    return "\n".join(p.text for p in document.paragraphs)


_VOICE_RE = re.compile(r"^<v(?:\.[\w.-]+)?\s+(?P<speaker>[^>]+)>(?P<text>.*?)(?:</v>)?$", re.DOTALL)
_TAG_RE = re.compile(r"</?[a-z][^>]*>", re.IGNORECASE)


def _cue_line(raw: str) -> str:
    """A cue as ``Speaker: text``: WebVTT voice tags become labels, other tags are dropped."""
    raw = " ".join(raw.split())
    m = _VOICE_RE.match(raw)
    if m:
        return f"{m.group('speaker').strip()}: {_TAG_RE.sub('', m.group('text')).strip()}"
    return _TAG_RE.sub("", raw).strip()


def _read_captions(path: Path, data: bytes) -> str:
    import io

    import webvtt

    text, _ = decode_bytes(data, path)
    text = canonicalize(text)
    if path.suffix.lower() == ".srt":
        text = _srt_to_vtt(text)
    try:
        captions = webvtt.from_buffer(io.StringIO(text))
    except Exception as exc:  # webvtt raises several private error types
        raise CorpusError(f"not a valid {path.suffix} caption file ({type(exc).__name__})", path=path) from None
    lines = [_cue_line(c.raw_text) for c in captions]
    return "".join(line + "\n" for line in lines if line)


def _srt_to_vtt(text: str) -> str:
    return "WEBVTT\n\n" + re.sub(r"(\d\d:\d\d:\d\d),(\d\d\d)", r"\1.\2", text)


def read_text(path: Path) -> tuple[str, str]:
    """Canonical text of one transcript file and the encoding used to read it."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise CorpusError(f"unsupported file type {suffix or '(none)'}; use one of {', '.join(SUPPORTED_SUFFIXES)}", path=path)
    if not path.is_file():
        raise CorpusError("file not found", path=path)
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise CorpusError(
            f"file is {size / 2**20:.1f} MiB, over the {MAX_FILE_BYTES // 2**20} MiB limit for one transcript; split it",
            path=path,
        )
    if suffix == ".docx":
        if size == 0:
            raise CorpusError("file is empty", path=path)
        text, encoding = _read_docx(path), "docx"
    else:
        data = path.read_bytes()
        if suffix in (".vtt", ".srt"):
            text, encoding = _read_captions(path, data), "utf-8"
        else:
            text, encoding = decode_bytes(data, path)
    text = canonicalize(text)
    if not text.strip():
        raise CorpusError("file has no text", path=path)
    return text, encoding


# --- turns ------------------------------------------------------------------------------


def parse_turns(text: str, path: Path | None = None) -> tuple[Turn, ...]:
    """Split canonical text into speaker turns.

    A turn starts at a line ``Label: text``; following lines without a label continue it
    (paragraphs). Before the first turn only blank lines and ``#`` header lines are allowed:
    any other text there is a turn with no speaker, which is an error naming the line.
    """
    turns: list[Turn] = []
    pos = 0
    current: dict | None = None
    for lineno, line in enumerate(text.split("\n"), start=1):
        line_start = pos
        pos += len(line) + 1
        m = _LABEL_RE.match(line)
        if m:
            if current is not None:
                turns.append(_close(current, text))
            label = m.group("label").strip()
            current = {
                "speaker": label,
                "role": _ROLE_OF[m.group("word").lower()],
                "label_start": line_start,
                "start": line_start + m.end(),
                "end": line_start + len(line),
                "line": lineno,
            }
        elif current is None:
            if line.strip() and not line.lstrip().startswith("#"):
                raise CorpusError(
                    "text with no speaker label: every turn must start with 'Label: text' "
                    "(e.g. 'Interviewer:', 'Респондент:', 'Participant 3:')",
                    path=path,
                    line=lineno,
                )
        elif line.strip():
            current["end"] = line_start + len(line)
    if current is not None:
        turns.append(_close(current, text))
    if not turns:
        raise CorpusError("no speaker turns found ('Label: text' lines)", path=path)
    return tuple(Turn(index=i, **t) for i, t in enumerate(turns))


def _close(current: dict, text: str) -> dict:
    # trim trailing whitespace so that the turn ends on its last character
    end = current["end"]
    while end > current["start"] and text[end - 1].isspace():
        end -= 1
    return {**current, "end": end}


# --- corpus -----------------------------------------------------------------------------


def load_transcript(entry: ManifestEntry, corpus_dir: Path) -> Transcript:
    """Read one manifest entry's file. Refuses transcripts without consent."""
    path = corpus_dir / entry.file
    if not entry.consent:
        raise ConsentError(f"transcript {entry.id} has no recorded consent; it is refused", path=path)
    text, encoding = read_text(path)
    return Transcript(entry=entry, path=path, text=text, encoding=encoding, turns=parse_turns(text, path))


def iter_transcripts(
    corpus_dir: Path, manifest: Manifest | None = None, ids: set[str] | None = None
) -> Iterator[Transcript]:
    """Yield the consented transcripts of a corpus in manifest order.

    Transcripts without consent are skipped with a warning (every stage refuses them).
    """
    corpus_dir = Path(corpus_dir)
    manifest = manifest or load_manifest(corpus_dir / "manifest.csv")
    for entry in manifest.entries:
        if ids is not None and entry.id not in ids:
            continue
        if not entry.consent:
            log.warning("%s: no recorded consent; transcript %s refused", corpus_dir / entry.file, entry.id)
            continue
        yield load_transcript(entry, corpus_dir)
