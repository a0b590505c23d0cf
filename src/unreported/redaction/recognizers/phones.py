"""Phone numbers via ``phonenumbers`` for the study's regions (KG, KZ, RU, TJ, UZ, TR ...).

Local forms ('0 (555) 12-34-56', '0555 123456') are only valid for a region, so the text is
matched once per region; international forms (+996 ..., +7 ...) match under any region.
Bare digit runs are left to the country patterns, which demand context.
"""

from __future__ import annotations

import re

import phonenumbers
from presidio_analyzer import EntityRecognizer, RecognizerResult

from unreported.redaction.recognizers.base import has_context, make_result

CONTEXT = ("phone", "tel", "mobile", "cell", "call", "whatsapp", "telegram", "number", "тел", "телефон",
           "номер", "звон", "ватсап", "вотсап", "телефону", "номерим", "номери", "чал", "нөмір", "қоңырау", "хабарлас")
# Phone-shaped runs phonenumbers may refuse (unknown ranges in fictional data, spaces in odd places).
_SHAPE = re.compile(r"(?<![\w+])(?:\+\d{1,3}[\s-]?)?(?:\(\d{2,5}\)[\s-]?|\d{2,5}[\s-])\d{2,4}(?:[\s-]\d{2,4}){1,3}(?![\w])")


class PhoneRecognizer(EntityRecognizer):
    def __init__(self, regions: list[str], language: str) -> None:
        self.regions = list(dict.fromkeys(r.upper() for r in regions)) or ["KG"]
        super().__init__(supported_entities=["PHONE_NUMBER"], name="phonenumbers", supported_language=language)

    def load(self) -> None:
        return None

    def analyze(self, text: str, entities: list[str], nlp_artifacts=None) -> list[RecognizerResult]:
        found: dict[tuple[int, int], float] = {}
        for region in self.regions:
            for m in phonenumbers.PhoneNumberMatcher(text, region, leniency=phonenumbers.Leniency.POSSIBLE):
                if sum(c.isdigit() for c in m.raw_string) < 7:  # short codes and years are not phone numbers
                    continue
                score = 0.75 if phonenumbers.is_valid_number(m.number) else 0.5
                if has_context(text, m.start, CONTEXT):
                    score += 0.2
                found[(m.start, m.end)] = max(score, found.get((m.start, m.end), 0.0))
        for m in _SHAPE.finditer(text):
            digits = sum(c.isdigit() for c in m.group(0))
            if 7 <= digits <= 15 and not any(s <= m.start() < e or m.start() <= s < m.end() for s, e in found):
                score = 0.45 + (0.3 if has_context(text, m.start(), CONTEXT) else 0.0)
                found[(m.start(), m.end())] = score
        return [make_result("PHONE_NUMBER", s, e, sc, self.name) for (s, e), sc in sorted(found.items())]
