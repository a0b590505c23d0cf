"""Russian names by morphology (pymorphy3 dictionary tags Name / Surn / Patr).

Catches names the NER model misses, typically a surname opening a sentence ('Меркель
назвала ...'). Only capitalised Cyrillic words are looked up; a word counts when its most
likely parse is tagged as a given name, surname or patronymic.
"""

from __future__ import annotations

import re
from functools import lru_cache

from presidio_analyzer import EntityRecognizer, RecognizerResult

from unreported.redaction.recognizers.base import make_result

_WORD = re.compile(r"[А-ЯЁ][а-яё]+(?:-[А-ЯЁ][а-яё]+)?")
_NAME_TAGS = {"Name", "Surn", "Patr"}


@lru_cache(maxsize=1)
def _morph():
    import pymorphy3

    return pymorphy3.MorphAnalyzer()


@lru_cache(maxsize=100_000)
def name_probability(word: str) -> float:
    """Share of pymorphy3's parse score that says 'this is a name'."""
    parses = _morph().parse(word)
    return sum(p.score for p in parses if _NAME_TAGS & set(p.tag.grammemes))


class PymorphyNameRecognizer(EntityRecognizer):
    def __init__(self, language: str = "ru", stop: frozenset[str] = frozenset()) -> None:
        self.stop = stop
        super().__init__(supported_entities=["PERSON"], name="pymorphy_names", supported_language=language)

    def load(self) -> None:
        return None

    def analyze(self, text: str, entities: list[str], nlp_artifacts=None) -> list[RecognizerResult]:
        if entities and "PERSON" not in entities:
            return []
        out = []
        for m in _WORD.finditer(text):
            w = m.group(0)
            if len(w) < 3 or w.lower() in self.stop:
                continue
            p = name_probability(w)
            if p >= 0.5:
                out.append(make_result("PERSON", m.start(), m.end(), 0.3 + 0.4 * p, self.name))
        return out
