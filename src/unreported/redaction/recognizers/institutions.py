"""Units of public bodies named by a place, and organisation names in quotes.

'Leninsky district police department', 'Ошский городской ОВД', 'Talas шаардык ички иштер
бөлүмү' name a place below country level, so they are PII even though 'the police' is not.
Names in guillemets or quotes ('«Аруулук»', '"Ala-Too Travel"') are organisations in
Russian and Kyrgyz writing.
"""

from __future__ import annotations

import re

from unreported.redaction.recognizers.base import RegexRecognizer, RegexRule

_UP = "A-ZА-ЯЁӨҮҢ"
_EN_BODY = r"(?:police(?:\s+(?:department|station|office|unit))?|prosecutor'?s?'?\s+office|court|department|office|hospital|akimat|ayil okmotu|mayor'?s office|administration|migration service)"
_RU_BODY = r"(?:суд|ОВД|УВД|РОВД|ГУВД|ГОВД|прокуратур|отдел|управлени|отделени|больниц|акимат|мэри|администраци|айыл окмот)\w*"
_KY_BODY = r"(?:ички иштер\s+)?(?:башкармалыг|бөлүм|сот|прокуратура|ооруканa|ооруканас|мэрия|акимчилиг|айыл өкмөт)\w*"

RULES = [
    RegexRule("en_unit", "ORGANIZATION", re.compile(
        rf"\b[{_UP}][\w'’\-]+(?:\s+[{_UP}][\w'’\-]+)?\s+(?:(?:district|city|regional|oblast|town|village|rayon)\s+)?{_EN_BODY}\b"), 0.65),
    RegexRule("ru_unit", "ORGANIZATION", re.compile(
        rf"\b[{_UP}][а-яё\-]+(?:ск|цк)(?:ий|ого|ом|ому|ая|ой|ое|ие|их|им)\s+(?:(?:городск|районн|областн|межрайонн|республиканск)\w*\s+)?{_RU_BODY}"), 0.65),
    RegexRule("ky_unit", "ORGANIZATION", re.compile(
        rf"\b[{_UP}][\w\-]+\s+(?:шаардык|райондук|облустук|айылдык)\s+{_KY_BODY}"), 0.65),
    # a name, not quoted speech: at most four words, no sentence punctuation inside
    RegexRule("quoted_name", "ORGANIZATION", re.compile(
        r"«(?P<v>[A-ZА-ЯЁӨҮҢ][^«»\n,.!?:;\s]*(?:\s[^«»\n,.!?:;\s]+){0,3})»|“(?P<w>[A-Z][^“”\n,.!?:;\s]*(?:\s[^“”\n,.!?:;\s]+){0,3})”"), 0.5),
]


def build(language: str) -> RegexRecognizer:
    return RegexRecognizer(RULES, name="institutions", language=language)
