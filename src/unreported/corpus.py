"""Transcript ingestion: files in, canonical text and speaker turns out.

Every later stage points back into a transcript through offsets, so the text has one
canonical form, defined here: the decoded file with the byte-order mark removed, every
line ending turned into ``\\n`` and Unicode in NFC. Offsets everywhere in the project are
Python string indices (code points) into that canonical text.

Formats: ``.txt`` (UTF-8, with or without BOM, UTF-16/32 with BOM, and cp1251 / KOI8-R
detected, with a warning naming the encoding), ``.docx`` (paragraphs and table rows, one per
line) and ``.vtt`` / ``.srt`` (each cue, or each ``<v Speaker>`` voice in a cue, becomes one
line; ``Speaker: text`` cues keep their label). Lines starting with ``#`` before the first
turn are a header (the synthetic files say there that they are fictional); they belong to no
turn. Speaker labels are role words in English, Russian or Kyrgyz, optionally numbered
(``Participant 3``, ``Участник №3``, ``Катышуучу 3``, ``R1``); a person's name is not a label,
because labels pass redaction unchanged.

Nothing under ``corpus/`` is ever written by this module.
"""

from __future__ import annotations

import html
import logging
import math
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from unreported.errors import ConsentError, CorpusError
from unreported.manifest import SUPPORTED_SUFFIXES, Manifest, ManifestEntry, load_manifest

log = logging.getLogger(__name__)

#: Files larger than this are refused: a transcript is text, not a data dump.
MAX_FILE_BYTES = 20 * 1024 * 1024

# Speaker labels: a role word (English, Russian, Kyrgyz), optionally numbered
# ("Participant 3", "Участник 3", "R1"). The role is what later stages use; the label is kept as written.
_ROLE_WORDS: dict[str, tuple[str, ...]] = {
    "interviewer": (
        "interviewer", "int", "q", "i",
        "интервьюер", "интервьюэр", "инт", "вопрос", "в", "и",
        "суроо", "суроо берүүчү", "маектешүүчү", "маек алуучу",
    ),
    "moderator": ("moderator", "mod", "facilitator", "модератор", "мод", "ведущий", "ведущая", "алып баруучу"),
    "respondent": (
        "respondent", "resp", "interviewee", "r", "a",
        "респондент", "респондентка", "респ", "ответ", "о", "р", "жооп", "жооп берүүчү",
    ),
    "participant": ("participant", "p", "участник", "участница", "катышуучу"),
}
_ROLE_OF: dict[str, str] = {w: role for role, words in _ROLE_WORDS.items() for w in words}
_LABEL_RE = re.compile(
    r"^(?P<label>(?P<word>"
    + "|".join(sorted((re.escape(w) for w in _ROLE_OF), key=len, reverse=True))
    + r")(?:[ \-]?(?:№|#|no\.)?[ ]?(?P<num>\d{1,3}))?)[ \t]*[:：][ \t]*",
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
    candidate = label.strip() + ":"
    m = _LABEL_RE.match(candidate)
    return _ROLE_OF[m.group("word").lower()] if m and m.end() == len(candidate) else None


def canonicalize(text: str) -> str:
    """The canonical form every offset refers to (no BOM, ``\\n`` line ends, NFC)."""
    text = text.lstrip("\ufeff")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", text)


# --- decoding ---------------------------------------------------------------------------

# Relative frequencies (%) of Russian letters: the yardstick for choosing an 8-bit code page.
_RU_FREQ = dict(
    zip(
        "оеаинтсрвлкмдпуяыьгзбчйхжшюцщэфъё",
        (10.97, 8.45, 8.01, 7.35, 6.70, 6.26, 5.47, 4.73, 4.54, 4.40, 3.49, 3.21, 2.98, 2.81, 2.62, 2.01,
         1.90, 1.74, 1.70, 1.65, 1.59, 1.44, 1.21, 0.97, 0.94, 0.73, 0.64, 0.48, 0.36, 0.32, 0.26, 0.04, 0.04),
        strict=True,
    )
)
_RU_LETTERS = frozenset(_RU_FREQ) | frozenset(c.upper() for c in _RU_FREQ)
# Non-ASCII characters that Russian text uses besides letters.
_RU_PUNCT = frozenset("«»—–…№“”„‘’‚‹›•·°§\u00a0\u2009")
_LETTER_RUN = re.compile(r"[^\W\d_]+")
_BOMS: tuple[tuple[bytes, str], ...] = (
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe\x00\x00", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)
#: 8-bit Cyrillic code pages tried when a file is not UTF-8.
LEGACY_ENCODINGS = ("cp1251", "koi8_r")


def _is_control(c: str) -> bool:
    return unicodedata.category(c) == "Cc" and c not in "\t\n\r\f\x0b"


@dataclass(frozen=True)
class _Plausibility:
    """How much a decoding reads like Cyrillic text; a wrong code page fails on several counts."""

    loglik: float  # letter-frequency log-likelihood
    bad_chars: int  # non-ASCII characters that are neither Russian letters nor typographic punctuation
    mixed_script: int  # words mixing Latin and Cyrillic letters ("cafй" from a Latin-1 file)
    miscased: int  # words with an upper-case letter right after a lower-case one ("пРИВЕТ")
    all_caps: int  # words of two or more capitals: real text has a few, a swapped code page many
    cyrillic_words: int
    non_ascii: int
    label_lines: int  # lines that parse as a speaker label

    @property
    def score(self) -> float:
        return (
            self.loglik
            - 12 * (self.bad_chars + self.mixed_script)
            - 6 * self.miscased
            - 1.5 * self.all_caps
            + 8 * self.label_lines
        )

    @property
    def acceptable(self) -> bool:
        return (
            self.cyrillic_words > 0
            and self.bad_chars <= self.non_ascii // 50
            and self.mixed_script <= self.cyrillic_words // 50
            and self.miscased <= max(1, self.cyrillic_words // 10)
        )


def _plausibility(text: str) -> _Plausibility:
    loglik = 0.0
    bad = sum(1 for c in text if (ord(c) > 127 and c not in _RU_LETTERS and c not in _RU_PUNCT) or _is_control(c))
    mixed = miscased = all_caps = cyr_words = 0
    for word in _LETTER_RUN.findall(text):
        cyr = sum(c in _RU_LETTERS for c in word)
        if not cyr:
            continue
        cyr_words += 1
        if cyr < len(word):
            mixed += 1
        if any(a.islower() and b.isupper() for a, b in zip(word, word[1:])):
            miscased += 1
        elif len(word) > 1 and word.isupper():
            all_caps += 1
        loglik += sum(math.log(_RU_FREQ[c.lower()] / 100) for c in word if c in _RU_LETTERS)
    labels = sum(1 for line in text.splitlines() if _LABEL_RE.match(line))
    non_ascii = sum(ord(c) > 127 for c in text)
    return _Plausibility(loglik, bad, mixed, miscased, all_caps, cyr_words, non_ascii, labels)


def decode_bytes(data: bytes, path: Path) -> tuple[str, str]:
    """Decode transcript bytes; returns (text, encoding name). Raises CorpusError naming the file.

    A byte-order mark decides first (UTF-8, UTF-16, UTF-32); then strict UTF-8; then the
    8-bit Cyrillic code page whose decoding reads most like Cyrillic text. cp1251 and KOI8-R
    map the same bytes to different letters, so both are scored on letter frequencies, letter
    case and speaker labels, which separates them even on a few lines; a decoding that does
    not read as Cyrillic (a Latin-1 file, mojibake) is refused rather than guessed.
    """
    for bom, enc in _BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(enc)
            except UnicodeDecodeError as exc:
                raise CorpusError(
                    f"starts with a {enc} byte-order mark but is not valid {enc} (byte {exc.start})", path=path
                ) from None
            if not text.lstrip("\ufeff").strip():
                raise CorpusError("file is empty", path=path)
            _refuse_control_chars(text, path)
            return text, enc
    if not data.strip():
        raise CorpusError("file is empty", path=path)
    if b"\x00" in data[:65536]:
        raise CorpusError(
            "binary file, not a text transcript (it contains NUL bytes; a UTF-16 file needs a byte-order mark)",
            path=path,
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        first_error = exc
    else:
        _refuse_control_chars(text, path)
        return text, "utf-8"
    best: tuple[float, str, str, _Plausibility] | None = None
    for enc in LEGACY_ENCODINGS:
        try:
            candidate = data.decode(enc)
        except UnicodeDecodeError:
            continue
        plaus = _plausibility(candidate)
        if best is None or plaus.score > best[0]:
            best = (plaus.score, enc, candidate, plaus)
    if best is not None and best[3].acceptable:
        log.warning("%s: not UTF-8; decoded as %s", path, best[1])
        return best[2], best[1]
    line = data[: first_error.start].count(b"\n") + 1
    raise CorpusError(
        f"cannot decode: not UTF-8 (invalid byte at offset {first_error.start}) and it does not read as "
        f"{' or '.join(LEGACY_ENCODINGS)} Cyrillic text; save it as UTF-8",
        path=path,
        line=line,
    )


def _refuse_control_chars(text: str, path: Path) -> None:
    first = next((i for i, c in enumerate(text[:65536]) if _is_control(c)), None)
    if first is not None:
        raise CorpusError(
            "binary file, not a text transcript (it contains control characters)",
            path=path,
            line=text[:first].count("\n") + 1,
        )


def _read_docx(path: Path) -> str:
    """Paragraphs and table rows in document order, one per line.

    A table row whose first cell is a speaker label (a common transcript layout) becomes
    ``Label: text``; other rows join their cells with spaces.
    """
    import docx  # python-docx
    from docx.opc.exceptions import OpcError
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(str(path))
    except (OpcError, KeyError, ValueError, OSError, zipfile.BadZipFile) as exc:
        raise CorpusError(f"not a readable Word .docx file ({type(exc).__name__})", path=path) from None
    lines: list[str] = []
    for block in document.iter_inner_content():
        if isinstance(block, Paragraph):
            lines.append(block.text)
        elif isinstance(block, Table):
            for row in block.rows:
                cells: list[str] = []
                for cell in row.cells:  # merged cells repeat: keep each once
                    value = cell.text.strip()
                    if value and (not cells or cells[-1] != value):
                        cells.append(value)
                if len(cells) >= 2 and speaker_role(cells[0].rstrip(":：")) is not None:
                    lines.append(f"{cells[0].rstrip(':：')}: {' '.join(cells[1:])}")
                elif cells:
                    lines.append(" ".join(cells))
    return "\n".join(lines)


# --- captions ---------------------------------------------------------------------------

_VOICE_TAG = re.compile(r"<v(?:\.[\w.-]+)*\s+(?P<speaker>[^>]+)>", re.IGNORECASE)
_TAG_RE = re.compile(r"</?[a-z][^>]*>|<\d[\d:.]*>", re.IGNORECASE)
_TIMING_RE = re.compile(
    r"^\s*(?:\d+:)?\d{1,2}:\d{2}[.,]\d{1,3}\s+-->\s+(?:\d+:)?\d{1,2}:\d{2}[.,]\d{1,3}(?:\s.*)?$"
)


def _clean_cue_text(raw: str) -> str:
    return " ".join(html.unescape(_TAG_RE.sub("", raw)).split())


def _cue_lines(raw: str) -> list[str]:
    """One cue as lines: each WebVTT voice tag ``<v Speaker>`` starts a ``Speaker: text`` line."""
    tags = list(_VOICE_TAG.finditer(raw))
    lines = []
    head = _clean_cue_text(raw[: tags[0].start()] if tags else raw)
    if head:
        lines.append(head)
    for i, m in enumerate(tags):
        speaker = " ".join(m.group("speaker").split())
        body = _clean_cue_text(raw[m.end() : tags[i + 1].start() if i + 1 < len(tags) else len(raw)])
        lines.append(f"{speaker}: {body}" if body else f"{speaker}:")
    return lines


def _read_captions(path: Path, text: str) -> tuple[str, list[int]]:
    """A .vtt/.srt file as one line per cue (or per voice in a cue), with each line's file line.

    Cue identifiers, timings, NOTE/STYLE/REGION blocks and formatting tags are dropped; a
    cue ``Speaker: text`` (SRT, Zoom) keeps its label as written.
    """
    is_vtt = path.suffix.lower() == ".vtt"
    lines = text.split("\n")
    if is_vtt and not lines[0].startswith("WEBVTT"):
        raise CorpusError("not a WebVTT file: the first line must be 'WEBVTT'", path=path, line=1)
    out: list[str] = []
    origin: list[int] = []
    block: list[tuple[int, str]] = []

    def flush() -> None:
        if not block:
            return
        first = block[0][1].strip()
        timing = next((i for i, (_, line) in enumerate(block) if "-->" in line), None)
        if timing is None:
            if first.startswith(("WEBVTT", "NOTE", "STYLE", "REGION")) or first.isdigit():
                return
            raise CorpusError(
                "text outside a caption cue (no 'start --> end' timing line before it)", path=path, line=block[0][0]
            )
        if not _TIMING_RE.match(block[timing][1]):
            raise CorpusError(
                "malformed cue timing (expected 'hh:mm:ss.mmm --> hh:mm:ss.mmm')", path=path, line=block[timing][0]
            )
        body = block[timing + 1 :]
        if body:
            for line in _cue_lines("\n".join(line for _, line in body)):
                out.append(line)
                origin.append(body[0][0])

    for lineno, line in enumerate(lines, start=1):
        if line.strip():
            block.append((lineno, line))
        else:
            flush()
            block = []
    flush()
    if not out:
        raise CorpusError(f"no caption cues with text in this {path.suffix} file", path=path)
    return "".join(line + "\n" for line in out), origin


# --- reading ----------------------------------------------------------------------------


def _read(path: Path) -> tuple[str, str, list[int] | None]:
    """Canonical text, encoding, and for captions the file line of each canonical line."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise CorpusError(
            f"unsupported file type {suffix or '(none)'}; use one of {', '.join(SUPPORTED_SUFFIXES)}", path=path
        )
    if not path.is_file():
        raise CorpusError("file not found", path=path)
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise CorpusError(
            f"file is {_size(size)}, over the {_size(MAX_FILE_BYTES)} limit for one transcript; split it",
            path=path,
        )
    if size == 0:
        raise CorpusError("file is empty", path=path)
    origin = None
    if suffix == ".docx":
        text, encoding = _read_docx(path), "docx"
    else:
        text, encoding = decode_bytes(path.read_bytes(), path)
        if suffix in (".vtt", ".srt"):
            text, origin = _read_captions(path, canonicalize(text))
    text = canonicalize(text)
    if not text.strip():
        raise CorpusError("file has no text", path=path)
    return text, encoding, origin


def _size(n: int) -> str:
    return f"{n / 2**20:.1f} MiB" if n >= 2**20 else f"{n:,} bytes"


def read_text(path: Path) -> tuple[str, str]:
    """Canonical text of one transcript file and the encoding used to read it.

    The encoding is one of ``utf-8 utf-8-sig utf-16 utf-32 cp1251 koi8_r docx``; a file
    that is not UTF-8 is logged as a warning naming the file and the encoding.
    """
    text, encoding, _ = _read(path)
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
                    "(e.g. 'Interviewer:', 'Респондент:', 'Participant 3:'); header lines before the "
                    "first turn start with '#'",
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
    path = Path(corpus_dir) / entry.file
    if not entry.consent:
        raise ConsentError(f"transcript {entry.id} has no recorded consent; it is refused", path=path)
    text, encoding, origin = _read(path)
    try:
        turns = parse_turns(text, path)
    except CorpusError as exc:
        if origin is not None and exc.line is not None and exc.line <= len(origin):
            raise CorpusError(exc.message, path=path, line=origin[exc.line - 1]) from None
        raise
    return Transcript(entry=entry, path=path, text=text, encoding=encoding, turns=turns)


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


@dataclass(frozen=True)
class CorpusCheck:
    """What ``corpus check`` found: the transcripts that read, and every problem."""

    corpus_dir: Path
    transcripts: tuple[Transcript, ...]
    problems: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


def check_corpus(corpus_dir: Path) -> CorpusCheck:
    """Validate the manifest and read every listed file, collecting all problems at once.

    A broken manifest raises (nothing else can be checked); per-file problems and refused
    transcripts without consent are collected so that a researcher can fix them in one pass
    (files read in a legacy encoding are logged as warnings). Reads only: nothing under the
    corpus is written.
    """
    corpus_dir = Path(corpus_dir)
    manifest = load_manifest(corpus_dir / "manifest.csv")
    transcripts: list[Transcript] = []
    problems: list[str] = []
    for entry in manifest.entries:
        try:
            t = load_transcript(entry, corpus_dir)
        except CorpusError as exc:
            problems.append(str(exc))
            continue
        transcripts.append(t)
    return CorpusCheck(corpus_dir, tuple(transcripts), tuple(problems))


def transcript_table(transcripts: Iterable[Transcript]) -> pd.DataFrame:
    """One row per transcript: its manifest facts and counts (never its text or region)."""
    rows = [
        {
            "id": t.id,
            "kind": t.entry.kind,
            "respondent_group": t.entry.respondent_group,
            "language": t.entry.language,
            "format": t.path.suffix.lower().lstrip("."),
            "encoding": t.encoding,
            "turns": len(t.turns),
            "respondent_turns": sum(turn.is_respondent for turn in t.turns),
            "words": t.word_count,
            "respondent_words": sum(count_words(t.turn_text(turn)) for turn in t.turns if turn.is_respondent),
        }
        for t in transcripts
    ]
    columns = ["id", "kind", "respondent_group", "language", "format", "encoding",
               "turns", "respondent_turns", "words", "respondent_words"]
    return pd.DataFrame(rows, columns=columns)


_COUNTS = ("transcripts", "turns", "respondent_turns", "words", "respondent_words")


def summarize(transcripts: Iterable[Transcript] | pd.DataFrame, by: str | Sequence[str] = "respondent_group") -> pd.DataFrame:
    """Transcripts, turns and words per value of ``by`` (a column of :func:`transcript_table`),
    sorted by that value, with a final ``total`` row."""
    table = transcripts if isinstance(transcripts, pd.DataFrame) else transcript_table(transcripts)
    keys = [by] if isinstance(by, str) else list(by)
    grouped = (
        table.assign(transcripts=1)
        .groupby(keys, sort=True)[list(_COUNTS)]
        .sum()
        .reset_index()
    )
    total = {k: "total" if i == 0 else "" for i, k in enumerate(keys)}
    total.update({c: int(table[c].sum()) if c != "transcripts" else len(table) for c in _COUNTS})
    out = pd.concat([grouped, pd.DataFrame([total])], ignore_index=True)
    return out.astype({c: "int64" for c in _COUNTS})
