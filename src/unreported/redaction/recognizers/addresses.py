"""Street addresses in Russian, Kyrgyz and English forms, from the country files' street words.

An address is anchored on a street word ('ул.', 'мкр.', 'көчөсү', 'Street', 'Apt') and grows
over the street name, house, building and flat numbers around it; in English also the
number-first form ('221 Baker Street, Apt 4') and following city / postcode lines.
"""

from __future__ import annotations

import re

from unreported.redaction.countries import CountryFormats
from unreported.redaction.recognizers.base import RegexRecognizer, RegexRule

_UP = "A-ZА-ЯЁӨҮҢІҒҚҰӘҺ"
_NAME = rf"(?:[{_UP}0-9][\w'’.\-]*)"
_NUM = r"(?:№\s?)?\d{1,5}[\w/\-]{0,4}"
_FLAT_RU = r"(?:д(?:ом)?\.?|корп(?:ус)?\.?|стр\.?|кв(?:артира)?\.?|офис|каб(?:инет)?\.?|үй|батир|кеңсе|apt\.?|apartment|flat|suite|unit|office|room|#)"


_ADDRESS_CUES = ("address", "live", "lives", "lived", "living", "located", "sent to", "send", "ship", "deliver", "moved",
                 "meet", "drops", "office", "адрес", "живу", "жила", "жил", "проживает", "дареги", "турам", "жашайм")
# City / region / postcode / country parts that follow a street line, separated by commas or line breaks
_TAIL = (r"(?:[ \t]*[,\n]?[ \t]*(?i:apt|apartment|suite|unit|#|box|flat)(?!\w)\.?[ \t]*\w+)*"
         r"(?:[ \t]*[,\n][ \t]*,?[ \t]*(?:[^\W\d_][\w'’.\-()]*(?:[ \t]+[^\W\d_][\w'’.\-()]*){0,3}(?:[ \t]+\d{4,6})?|[A-Z]{2}|\d{4,6}(?:-\d{4})?)){0,4}")


def _alt(words: list[str]) -> str:
    return "|".join(sorted((re.escape(w) for w in set(words)), key=len, reverse=True))


def build(formats: list[CountryFormats], language: str) -> RegexRecognizer:
    words = {"ул", "улица", "мкр", "микрорайон", "пр", "проспект", "кв", "дом", "көчөсү", "street", "avenue", "road", "apt"}
    for cf in formats:
        for lang_words in cf.street_words.values():
            words.update(w.lower() for w in lang_words)
    sw = _alt(sorted(words))
    tail = rf"(?:,?\s*{_FLAT_RU}\s*{_NUM})*"
    rules = [
        # keyword first: ул. Ленина 12, кв. 5 / мкр. Асанбай, д. 7 / проспект Чуй, 120
        RegexRule("street_first", "ADDRESS",
                  re.compile(rf"(?<!\w)(?i:{sw})\.?[ \t]+{_NAME}(?:[ \t\-]{_NAME}){{0,3}}(?:,?[ \t]*{_NUM})?{tail}"), 0.7),
        # name first: Ленина көчөсү 12 / Chui Avenue 120 / Baker Street
        RegexRule("street_last", "ADDRESS",
                  re.compile(rf"(?:{_NUM}\s+)?{_NAME}(?:[\s\-]{_NAME}){{0,2}}\s+(?i:{sw})(?!\w)\.?(?:,?\s*{_NUM})?{tail}"), 0.6),
        # English number-first with flat and following city/state/postcode parts
        RegexRule("number_first", "ADDRESS",
                  re.compile(rf"\b\d{{1,6}}[A-Za-z]?[ \t]+(?:\d{{1,5}}[ \t]+)?(?:[{_UP}][\w'’.\-]*[ \t]+){{1,4}}(?:{sw})(?!\w)\.?(?:[ \t]+[{_UP}][\w'’.\-]*){{0,3}}(?:[ \t]+\d{{1,5}}\w?)?" + _TAIL, re.I), 0.55),
        # house number, street name (any script and case), building number: '5366 Pivovarská 276'
        RegexRule("number_name_number", "ADDRESS",
                  re.compile(rf"\b\d{{1,6}}[A-Za-z]?[ \t]+(?:\d{{1,4}}[ \t]+)?(?![a-zа-яё])[^\W\d_][\w'’.\-]{{2,}}(?:[ \t]+[^\W\d_][\w'’.\-]*){{0,4}}[ \t]+\d{{1,5}}[A-Za-z]?\b\.?" + _TAIL),
                  0.4, None, _ADDRESS_CUES),
        # military / PO box forms: 'PSC 0729, Box 5797 APO AP 96854', 'USNS Vincent FPO AA 68422'
        RegexRule("po_box", "ADDRESS",
                  re.compile(r"\b(?:PSC|Unit|USNS|USNV|USS|USCGC|P\.?\s?O\.?\s?Box)\s[\w ]{1,30}?,?\s*(?:Box\s\d+)?\s*\n?\s*(?:(?:APO|FPO|DPO)\s[A-Z]{2}\s\d{5})?", re.I), 0.5),
        # 'the corner of X and Y' / 'на углу X и Y'
        RegexRule("corner", "ADDRESS",
                  re.compile(r"(?i:corner of|на углу|на перекрестке|кесилишинде)\s+(?P<v>[^,.?!\n]{3,40}?\s(?:and|и|менен)\s[^,.?!\n]{3,40}?)(?=[,.?!\n]|$)"), 0.6),
        # flat / house numbers alone: кв. 12, д. 5, apt 4B
        RegexRule("flat", "ADDRESS", re.compile(rf"(?<!\w){_FLAT_RU}\s*{_NUM}", re.I), 0.45),
    ]
    return RegexRecognizer(rules, name="addresses", language=language)
