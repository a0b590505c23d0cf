"""Coding units: respondents' speaker turns from the redacted zone, long turns split.

A unit is what a code is attached to. Interviewer and moderator turns are context, not data,
so they are not units. A long monologue is split at paragraph breaks first and then at sentence
ends, so that a code's evidence points at a readable passage and the QDA export carries tight
offsets; every unit keeps the offsets of its text in the redacted document.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass

from unreported.coding.lexicon import split_sentences, trim_spans
from unreported.corpus import parse_turns

#: Turns longer than this (characters) are split; about 200 words of English.
MAX_UNIT_CHARS = 1200


@dataclass(frozen=True)
class Unit:
    id: str
    doc: str
    turn: int
    part: int  # 0: the whole turn; 1, 2, ...: parts of a split turn
    lang: str
    group: str
    kind: str
    speaker: str
    role: str
    start: int
    end: int
    text: str

    @property
    def turn_id(self) -> str:
        """The gold-coding key of the turn this unit belongs to."""
        return f"{self.doc}#{self.turn:03d}"

    def to_record(self) -> dict:
        return asdict(self)


def _chunks(text: str, start: int, end: int, limit: int) -> list[tuple[int, int]]:
    """Split ``text[start:end]`` into spans of at most ``limit`` characters where possible."""
    if end - start <= limit:
        return [(start, end)]
    # paragraphs first
    paras, pos = [], start
    for i in range(start, end):
        if text[i] == "\n":
            if i > pos and text[pos:i].strip():
                paras.append((pos, i))
            pos = i + 1
    if text[pos:end].strip():
        paras.append((pos, end))
    merged: list[tuple[int, int]] = []
    for ps, pe in paras:
        if pe - ps <= limit:
            merged.append((ps, pe))
            continue
        # a long paragraph: its sentences, merged greedily back up to the limit
        para: list[tuple[int, int]] = []
        for s, e in ((ps + s, ps + e) for s, e in split_sentences(text[ps:pe])):
            if para and e - para[-1][0] <= limit:
                para[-1] = (para[-1][0], e)
            else:
                para.append((s, e))
        merged.extend(para)
    return trim_spans(text, merged)


def units_of(doc_id: str, text: str, *, lang: str, group: str, kind: str, limit: int = MAX_UNIT_CHARS) -> list[Unit]:
    """The coding units of one redacted document, in turn order."""
    units = []
    for turn in parse_turns(text):
        if not turn.is_respondent or turn.end <= turn.start:
            continue
        spans = _chunks(text, turn.start, turn.end, limit)
        for part, (s, e) in enumerate(spans, start=1):
            split = len(spans) > 1
            uid = f"{doc_id}#{turn.index:03d}" + (f".{part}" if split else "")
            units.append(
                Unit(
                    id=uid,
                    doc=doc_id,
                    turn=turn.index,
                    part=part if split else 0,
                    lang=lang,
                    group=group,
                    kind=kind,
                    speaker=turn.speaker,
                    role=turn.role,
                    start=s,
                    end=e,
                    text=text[s:e],
                )
            )
    return units


def units_from_redacted(docs: Iterable) -> Iterator[Unit]:
    """Units of every redacted document (``unreported.redaction.store.RedactedDoc``)."""
    for doc in docs:
        yield from units_of(doc.id, doc.text, lang=doc.language, group=doc.respondent_group, kind=doc.kind)


def unit_from_record(rec: dict) -> Unit:
    return Unit(**{k: rec[k] for k in Unit.__dataclass_fields__})
