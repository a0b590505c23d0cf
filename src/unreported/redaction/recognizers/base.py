"""Shared pieces: building results, a regex recognizer with per-pattern validators and context."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from presidio_analyzer import EntityRecognizer, RecognizerResult

#: Capital letters of the region's alphabets (Latin; Russian; Kyrgyz ӨҮҢ; Kazakh ӘҒҚҢӨҰҮҺІ), for regex classes.
UPPER = "A-ZА-ЯЁӨҮҢІҒҚҰӘҺ"
CONTEXT_WINDOW = 48  # characters before a match searched for context words
CONTEXT_BOOST = 0.35


def make_result(label: str, start: int, end: int, score: float, name: str) -> RecognizerResult:
    return RecognizerResult(
        entity_type=label,
        start=start,
        end=end,
        score=min(1.0, score),
        recognition_metadata={
            RecognizerResult.RECOGNIZER_NAME_KEY: name,
        },
    )


def has_context(text: str, start: int, words: Iterable[str], window: int = CONTEXT_WINDOW) -> bool:
    """True when one of ``words`` appears (as a word prefix) shortly before ``start``."""
    before = text[max(0, start - window) : start].lower()
    return any(re.search(r"(?<!\w)" + re.escape(w.lower()), before) for w in words)


@dataclass(frozen=True)
class RegexRule:
    name: str
    label: str
    pattern: re.Pattern[str]
    score: float
    validator: Callable[[str], bool] | None = None
    context: tuple[str, ...] = ()


class RegexRecognizer(EntityRecognizer):
    """Regex rules with optional validators; context words nearby raise the score."""

    def __init__(self, rules: list[RegexRule], name: str, language: str) -> None:
        self.rules = rules
        super().__init__(
            supported_entities=sorted({r.label for r in rules}) or ["ID_NUMBER"],
            name=name,
            supported_language=language,
        )

    def load(self) -> None:
        return None

    def analyze(self, text: str, entities: list[str], nlp_artifacts=None) -> list[RecognizerResult]:
        out = []
        for rule in self.rules:
            if entities and rule.label not in entities:
                continue
            for m in rule.pattern.finditer(text):
                # a named group "v" marks the value when the pattern also matches its cue word
                g = next((k for k in ("v", "w") if k in rule.pattern.groupindex and m.group(k) is not None), 0)
                start, end = m.span(g)
                if start < 0 or start == end:
                    continue
                if rule.validator is not None and not rule.validator(m.group(g)):
                    continue
                score = rule.score
                if rule.context and has_context(text, start, rule.context):
                    score += CONTEXT_BOOST
                out.append(make_result(rule.label, start, end, score, f"{self.name}:{rule.name}"))
        return out
