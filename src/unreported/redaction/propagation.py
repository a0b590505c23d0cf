"""Mention propagation: a name or place found once is redacted everywhere in the transcript.

Each word of a detected PERSON / LOCATION / ORGANIZATION span becomes a search term; every
capitalised word elsewhere whose base form has the same name key is redacted too, so
'Aigul's', 'Айгуль', 'Айгулю' and 'Айгулдун' follow 'Aigul' (same key in any script after
inflection is stripped). Lower-case words are not touched ('бакыт' is happiness).
"""

from __future__ import annotations

import re

from unreported.redaction.engine import Span, is_country, merge_spans
from unreported.redaction.normalize import name_key, strip_inflection

PROPAGATED = ("PERSON", "LOCATION", "ORGANIZATION")
_WORD = re.compile(r"[^\W\d_][\w'’]*(?:-[^\W\d_][\w'’]*)?")


def _keys(word: str) -> set[str]:
    return {k for k in (name_key(c) for c in strip_inflection(word)) if len(k) >= 3}


def propagate(text: str, spans: list[Span], regions: list[tuple[int, int]], stop: frozenset[str] = frozenset()) -> list[Span]:
    """Add spans for other mentions of detected names inside ``regions`` (turn bodies)."""
    terms: dict[str, str] = {}
    for s in spans:
        if s.label not in PROPAGATED:
            continue
        for m in _WORD.finditer(text, s.start, s.end):
            w = m.group(0)
            if len(w) < 3 or not w[0].isupper() or w.lower() in stop or is_country(w):
                continue
            terms.setdefault(name_key(w), s.label)
            for cand in _keys(w):
                terms.setdefault(cand, s.label)
    if not terms:
        return spans
    covered = [(s.start, s.end) for s in spans]
    added = []
    for start, end in regions:
        for m in _WORD.finditer(text, start, end):
            w = m.group(0)
            if not w[0].isupper() or w.lower() in stop:
                continue
            hit = next((terms[k] for k in sorted(_keys(w) | {name_key(w)}) if k in terms), None)
            if hit is None or any(a <= m.start() < b for a, b in covered):
                continue
            e = m.end() - 2 if w.endswith(("'s", "’s")) else m.end()
            added.append(Span(m.start(), e, hit, 0.9, "propagation"))
    return merge_spans(spans + added)
