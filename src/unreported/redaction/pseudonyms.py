"""Replacement text: consistent numbered pseudonyms, tags, or surrogate names.

A PERSON / LOCATION / ORGANIZATION mention is normalised (inflection stripped, transliterated
to the name key, case-folded) and, within a transcript, joined to the longest mention that
contains all its words, so 'Aigul', 'Айгуль' and 'Aigul Toktogulova' in one transcript are
one person. The study-wide number comes from the encrypted key store, keyed by an HMAC of
that normal form: the same person is the same ``[PERSON_07]`` in every transcript.
"""

from __future__ import annotations

import re

from unreported.redaction.engine import Span
from unreported.redaction.gazetteer import Gazetteer
from unreported.redaction.keystore import KeyStore
from unreported.redaction.normalize import name_key, strip_inflection
from unreported.redaction.policy import Policy

_WORD = re.compile(r"[^\W\d_][\w'’]*")
# Fictional surrogate names (operator: surrogate), deliberately rare in the region.
SURROGATES = ("Alder", "Birch", "Cedar", "Linden", "Rowan", "Willow", "Hazel", "Aspen", "Juniper", "Maple",
              "Sorrel", "Yarrow", "Bracken", "Heather", "Clover", "Fennel")


def normal_words(surface: str, gazetteer: Gazetteer | None) -> tuple[str, ...]:
    out = []
    for w in _WORD.findall(surface):
        cands = strip_inflection(w)
        base = None
        if gazetteer is not None:
            base = gazetteer.base_key(w)
        out.append(base or name_key(cands[0]))
    return tuple(k for k in out if k)


class Pseudonymizer:
    def __init__(self, policy: Policy, keystore: KeyStore, gazetteer: Gazetteer | None = None) -> None:
        self.policy = policy
        self.keystore = keystore
        self.gazetteer = gazetteer

    def replacements(self, text: str, spans: list[Span]) -> list[str]:
        """One replacement string per span (same order)."""
        forms = [normal_words(text[s.start : s.end], self.gazetteer) for s in spans]
        # cluster within the transcript: a mention joins the longest mention of the same label containing its words
        canon: list[tuple[str, ...]] = []
        for s, f in zip(spans, forms):
            best = f
            for s2, f2 in zip(spans, forms):
                if s2.label == s.label and len(f2) > len(best) and f and set(f) <= set(f2):
                    best = f2
            canon.append(best)
        out = []
        for s, f, c in zip(spans, forms, canon):
            rule = self.policy.entities[s.label]
            original = text[s.start : s.end]
            if rule.operator == "tag" or not c:
                out.append(f"[{s.label}]")
                continue
            n = self.keystore.number(s.label, s.label + ":" + " ".join(c), original)
            if rule.operator == "surrogate":
                out.append(f"{SURROGATES[(n - 1) % len(SURROGATES)]}-{(n - 1) // len(SURROGATES) + 1}")
            else:
                out.append(f"[{s.label}_{n:0{self.policy.pseudonym_digits}d}]")
        return out
