"""Redaction of one text with its audit: spans replaced inside turn bodies only.

Speaker labels, line breaks and turn order stay as they are: only the text between a
turn's ``start`` and ``end`` is analysed, and a span that crosses a line break is replaced
line by line. The audit holds, per replacement, its label, offsets in the *redacted*
text, detector and score: never the original string.
"""

from __future__ import annotations

from unreported.redaction.engine import Span


def _segments(text: str, span: Span) -> list[tuple[int, int]]:
    out, start = [], span.start
    while True:
        nl = text.find("\n", start, span.end)
        if nl < 0:
            out.append((start, span.end))
            break
        out.append((start, nl))
        start = nl + 1
    return [(a, b) for a, b in out if text[a:b].strip()]


def apply(text: str, spans: list[Span], replacements: list[str]) -> tuple[str, list[dict]]:
    """The redacted text and its audit records (offsets into the redacted text)."""
    pieces: list[str] = []
    audit: list[dict] = []
    pos = 0
    out_len = 0
    for span, rep in sorted(zip(spans, replacements), key=lambda x: x[0].start):
        for a, b in _segments(text, span):
            if a < pos:
                continue
            pieces.append(text[pos:a])
            out_len += a - pos
            audit.append({"label": span.label, "start": out_len, "end": out_len + len(rep),
                          "detector": span.detector, "score": round(span.score, 3), "replacement": rep})
            pieces.append(rep)
            out_len += len(rep)
            pos = b
    pieces.append(text[pos:])
    return "".join(pieces), audit
