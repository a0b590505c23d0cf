"""Kyrgyz / Kazakh / Central Asian name morphology: patronymic particles, surname and given-name endings.

No Kyrgyz or Kazakh NER model exists, but names are marked by their shape: 'Бакыт уулу', 'Айгүл
кызы', the Kazakh joined forms 'Кемелұлы', 'Қуанышқызы', surnames in -ов/-ова/-ев/-бекова,
given names in -бек/-бай/-гүл/-жан/-нур/-нұр, Russian patronymics in -ович/-овна, in Cyrillic
(Kazakh letters included) and Latin, with case suffixes after them ('Тоқаевтың', 'Назарбаевқа').
Only capitalised words count, and a list of look-alike common words (Узбек, Бишкек ...) is excluded.
"""

from __future__ import annotations

import re

from presidio_analyzer import EntityRecognizer, RecognizerResult

from unreported.redaction.recognizers.base import UPPER, make_result

_UP = UPPER
_LO = "a-zа-яёөүңіғқұәһüöçşğı"
_W = rf"[{_UP}][{_LO}]+(?:-[{_UP}]?[{_LO}]+)?"
_CASE = rf"(?:[{_LO}]{{0,6}})"  # case and possessive endings, Kyrgyz and Kazakh

NOT_NAMES = {
    "узбек", "uzbek", "бишкек", "өзбек", "кыргыз", "казах", "русский", "русская", "bishkek", "uzbeks",
    "бек", "бай", "жан", "нур", "гүл", "гуль", "начальник", "свидетель", "кировский", "октябрьский",
    "ленинский", "свердловский", "первомайский", "московский", "полиция", "милиция",
}

_RULES: list[tuple[str, re.Pattern[str], float]] = [
    # [First] Surname-stem + uulu/kyzy (son/daughter of): the whole phrase is the name
    ("patronym_particle", re.compile(rf"(?:{_W}\s+)?{_W}\s+(?:уулу|кызы|улы|ұлы|қызы|uulu|kyzy|kizi|uly|ulu|qizi|o['‘’]g['‘’]li){_CASE}\b"), 0.9),
    # Kazakh patronymic joined to the father's name ('Қасым-Жомарт Кемелұлы', 'Лаура Қуанышқызының')
    ("patronym_joined", re.compile(rf"(?:{_W}\s+)?[{_UP}][{_LO}]{{2,}}(?:ұлы|қызы|uly|kyzy|qyzy){_CASE}\b"), 0.85),
    # Russian patronymic, with an optional given name before and surname around it
    ("patronymic", re.compile(rf"(?:{_W}\s+)?{_W}\s+[{_UP}][{_LO}]+(?:ович|евич|ьич|овна|евна|ична|инична|ovich|evich|ovna|evna|ichna){_CASE}\b"), 0.85),
    # Surnames: -ов/-ова/-ев/-ева/-бекова/-баев..., Cyrillic and Latin, with case endings
    ("surname", re.compile(rf"\b[{_UP}][{_LO}]{{2,}}(?:ов|ев|ёв|ова|ева|ёва|бекова|беков|баев|баева|алиев|алиева){_CASE}\b"), 0.55),
    ("surname_latin", re.compile(r"\b[A-Z][a-z]{2,}(?:ov|ev|ova|eva|yev|yeva|bekov|bekova|baev|baeva|aliev|alieva)(?:'s|’s|a|ga|dyn|nyn|ka|ny|da|dan)?\b"), 0.55),
    # Given names of Kyrgyz/Kazakh shape
    ("given_shape", re.compile(rf"\b[{_UP}][{_LO}]{{2,}}(?:бек|бай|гүл|гуль|гул|жан|нур|айым|бүбү|кан|кул|bek|bai|bay|gul|jan|zhan|nur|aiym|aiym|kul|нұр){_CASE}\b"), 0.45),
]


class NameMorphologyRecognizer(EntityRecognizer):
    def __init__(self, language: str) -> None:
        super().__init__(supported_entities=["PERSON"], name="name_morphology", supported_language=language)

    def load(self) -> None:
        return None

    def analyze(self, text: str, entities: list[str], nlp_artifacts=None) -> list[RecognizerResult]:
        if entities and "PERSON" not in entities:
            return []
        out = []
        for rule, pattern, score in _RULES:
            for m in pattern.finditer(text):
                word = m.group(0)
                if word.lower() in NOT_NAMES or word.split()[0].lower() in NOT_NAMES:
                    continue
                out.append(make_result("PERSON", m.start(), m.end(), score, f"{self.name}:{rule}"))
        return out
