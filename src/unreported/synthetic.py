"""Build the bundled fictional corpus and its gold annotations from one marked-up source.

The source files (``corpus/synthetic/source/*.md``) hold each transcript once, with its
manifest row as front matter, PII marked inline as ``{LABEL:surface}`` and the factors a
turn voices as ``[[F1,F4]]`` at the end of the turn::

    ---
    id: VOT-01
    kind: IDI
    respondent_group: VoT
    language: ru
    region: Chui
    date: 2021-03-02
    consent: yes
    file: VOT-01.txt        # the suffix picks the format: .txt, .docx or .vtt
    encoding: utf-8         # .txt only: utf-8, utf-8-sig, cp1251 or koi8_r
    ---
    Интервьюер: Расскажите, пожалуйста, о себе.
    Респондент: Меня зовут {PERSON:Айгуль}, я из села {LOCATION:Кара-Суу}. [[F2]]

From it come the transcript files, ``manifest.csv``, ``gold/pii.jsonl`` (one record per
transcript, span offsets into the canonical text that :mod:`unreported.corpus` reads back)
and ``gold/codes.jsonl`` (one record per speaker turn, PII replaced by ``[LABEL]``). Because
text and annotations come from the same source they cannot drift; a test rebuilds them in a
temporary folder and compares bytes.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from unreported.cache import atomic_write_bytes, atomic_write_text, deterministic_zip, dumps
from unreported.config import FACTOR_IDS, PII_LABELS
from unreported.corpus import canonicalize, parse_turns, read_text
from unreported.errors import CorpusError
from unreported.manifest import COLUMNS, ManifestEntry

HEADER = (
    "# FICTIONAL TRANSCRIPT. Synthetic data written for the unreported test corpus.\n"
    "# Every person, place, organisation, number and event in it is invented.\n"
)
_PII_RE = re.compile(r"\{(?P<label>[A-Z_]+):(?P<surface>[^{}]+)\}")
_CODES_RE = re.compile(r"[ \t]*\[\[(?P<codes>[^\[\]]*)\]\][ \t]*$", re.MULTILINE)


@dataclass(frozen=True)
class Built:
    entry: ManifestEntry
    file: str
    encoding: str
    text: str
    spans: list[dict]
    codes: list[dict]


def _split_front_matter(src: str, path: Path) -> tuple[dict, str]:
    if not src.startswith("---\n"):
        raise CorpusError("source must start with a '---' front-matter block", path=path, line=1)
    end = src.find("\n---\n", 4)
    if end < 0:
        raise CorpusError("front matter is not closed by '---'", path=path)
    meta = yaml.safe_load(src[4:end]) or {}
    return meta, src[end + 5 :]


def build_one(path: Path) -> Built:
    """Turn one source file into canonical text, PII spans and per-turn codes."""
    src = canonicalize(path.read_text(encoding="utf-8"))
    meta, body = _split_front_matter(src, path)
    file = str(meta.pop("file"))
    encoding = str(meta.pop("encoding", "utf-8"))
    meta["consent"] = "yes" if meta.get("consent") in (True, "yes") else "no"
    meta["date"] = str(meta.get("date", ""))
    entry = ManifestEntry.model_validate({**meta, "file": file})
    body = body.strip("\n") + "\n"
    if file.endswith(".vtt"):  # captions have no blank lines: one cue per line
        body = "\n".join(line for line in body.split("\n") if line.strip()) + "\n"
    prefix = "" if file.endswith(".vtt") else HEADER + "\n"

    # 1. strip code markers, remembering where each was (offset in the marker-free body)
    markers: list[tuple[int, list[str]]] = []
    out, last = [], 0
    for m in _CODES_RE.finditer(body):
        out.append(body[last : m.start()])
        pos = sum(len(s) for s in out)
        codes = [c.strip() for c in m.group("codes").split(",") if c.strip()]
        bad = [c for c in codes if c not in FACTOR_IDS]
        if bad:
            raise CorpusError(f"unknown factor id(s) {bad}", path=path, line=body[: m.start()].count("\n") + 1)
        markers.append((pos, codes))
        last = m.end()
    out.append(body[last:])
    body = "".join(out)

    # 2. strip PII markup, keeping spans and shifting the code markers
    text_parts: list[str] = []
    spans: list[dict] = []
    shift_points: list[tuple[int, int]] = []  # (position in marked body, chars removed so far)
    last, removed = 0, 0
    for m in _PII_RE.finditer(body):
        label, surface = m.group("label"), m.group("surface")
        if label not in PII_LABELS:
            raise CorpusError(f"unknown PII label {label!r}", path=path, line=body[: m.start()].count("\n") + 1)
        text_parts.append(body[last : m.start()])
        start = len(prefix) + sum(len(s) for s in text_parts)
        text_parts.append(surface)
        spans.append({"start": start, "end": start + len(surface), "label": label, "text": surface})
        removed += len(m.group(0)) - len(surface)
        shift_points.append((m.end(), removed))
        last = m.end()
    text_parts.append(body[last:])
    text = prefix + "".join(text_parts)
    if "{" in text or "}" in text or "[[" in text:
        raise CorpusError("unbalanced markup left in text", path=path)

    def shifted(pos: int) -> int:
        r = 0
        for at, rem in shift_points:
            if at <= pos:
                r = rem
        return len(prefix) + pos - r

    turns = parse_turns(text, path)
    turn_codes: dict[int, list[str]] = {}
    for pos, codes in markers:
        p = shifted(pos)
        owner = next((t for t in turns if t.label_start <= p <= t.end + 1), None)
        if owner is None:
            raise CorpusError("a [[codes]] marker is outside any turn", path=path)
        if not owner.is_respondent:
            raise CorpusError(f"codes on an interviewer turn (line {owner.line})", path=path)
        turn_codes[owner.index] = sorted(set(turn_codes.get(owner.index, [])) | set(codes))

    code_records = []
    for t in turns:
        inside = [s for s in spans if s["start"] >= t.start and s["end"] <= t.end]
        parts, cur = [], t.start
        for s in inside:
            parts.append(text[cur : s["start"]])
            parts.append(f"[{s['label']}]")
            cur = s["end"]
        parts.append(text[cur : t.end])
        code_records.append(
            {
                "id": f"{entry.id}#{t.index:03d}",
                "doc": entry.id,
                "lang": entry.language,
                "speaker": t.speaker,
                "role": t.role,
                "group": entry.respondent_group,
                "text": "".join(parts),
                "codes": turn_codes.get(t.index, []),
            }
        )
    return Built(entry=entry, file=file, encoding=encoding, text=text, spans=spans, codes=code_records)


def _encode(built: Built) -> bytes:
    suffix = Path(built.file).suffix.lower()
    if suffix == ".txt":
        return built.text.encode(built.encoding)
    if suffix == ".vtt":
        cues = ["WEBVTT", "", "NOTE FICTIONAL TRANSCRIPT. Synthetic data; every name, place and number is invented.", ""]
        turns = {t.label_start: t for t in parse_turns(built.text)}
        pos = 0
        for i, line in enumerate(built.text.split("\n")):
            turn = turns.get(pos)
            pos += len(line) + 1
            if not line.strip():
                continue
            cue = f"<v {turn.speaker}>{built.text[turn.start : turn.end].split(chr(10))[0]}" if turn else line
            cues += [f"{_ts(i * 10)} --> {_ts(i * 10 + 9)}", cue, ""]
        return "\n".join(cues).encode("utf-8")
    if suffix == ".docx":
        import docx

        document = docx.Document()
        document.core_properties.author = "unreported synthetic corpus"
        for line in built.text.split("\n"):
            document.add_paragraph(line)
        buf = io.BytesIO()
        document.save(buf)
        return deterministic_zip(buf.getvalue())
    raise CorpusError(f"unsupported output format {suffix}", path=built.file)


def _ts(seconds: int) -> str:
    return f"{seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}.000"


def build_corpus(source_dir: Path, out_dir: Path) -> list[Built]:
    """Write transcripts, manifest and gold for every source file; verify each reads back."""
    source_dir, out_dir = Path(source_dir), Path(out_dir)
    sources = sorted(source_dir.glob("*.md"))
    if not sources:
        raise CorpusError("no *.md source files", path=source_dir)
    built = [build_one(p) for p in sources]
    built.sort(key=lambda b: b.entry.id)
    for b in built:
        target = out_dir / b.file
        atomic_write_bytes(target, _encode(b))
        back, _ = read_text(target)
        if back != b.text:
            raise CorpusError("written file does not read back to the same canonical text", path=target)
    rows = io.StringIO()
    writer = csv.writer(rows, lineterminator="\n")
    writer.writerow(COLUMNS)
    for b in built:
        e = b.entry
        writer.writerow([e.id, e.file, e.kind, e.respondent_group, e.language, e.region, e.date or "", "yes" if e.consent else "no"])
    atomic_write_text(out_dir / "manifest.csv", rows.getvalue())
    pii = [
        {"id": b.entry.id, "lang": b.entry.language, "kind": b.entry.kind, "text": b.text, "spans": b.spans}
        for b in built
    ]
    atomic_write_text(out_dir / "gold" / "pii.jsonl", "".join(dumps(r) + "\n" for r in pii))
    codes = [r for b in built for r in b.codes]
    atomic_write_text(out_dir / "gold" / "codes.jsonl", "".join(dumps(r) + "\n" for r in codes))
    return built


if __name__ == "__main__":  # python -m unreported.synthetic
    from unreported.config import PROJECT_ROOT

    results = build_corpus(PROJECT_ROOT / "corpus/synthetic/source", PROJECT_ROOT / "corpus/synthetic")
    print(f"built {len(results)} transcripts")
