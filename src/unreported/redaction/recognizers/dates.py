"""Dates in Russian and Kyrgyz forms ('12 марта 2019', '2019-жылдын 5-майында', '12.03.2019').

English dates come from spaCy (DATE) and the numeric forms below. Bare years and month
names alone are kept: they date the events the study is about, not the person.
"""

from __future__ import annotations

import re

from unreported.redaction.recognizers.base import RegexRecognizer, RegexRule

_RU_MONTHS = r"(?:январ|феврал|март|апрел|ма[йяе]|июн|июл|август|сентябр|октябр|ноябр|декабр)\w*"
_KY_MONTHS = r"(?:январ|феврал|март|апрел|май|июн|июл|август|сентябр|октябр|ноябр|декабр|үчтүн айы|жалган куран|чын куран|бугу|кулжа|теке|баш оона|аяк оона|тогуздун айы|жетинин айы|бештин айы|гүлдөн|жалган|чын|бүчүн|теке)\w*"
_EN_MONTHS = r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"

RULES = [
    RegexRule("numeric", "DATE", re.compile(r"\b(?:0?[1-9]|[12]\d|3[01])[./-](?:0?[1-9]|1[0-2])[./-](?:19|20)?\d{2}\b"), 0.75),
    RegexRule("iso", "DATE", re.compile(r"\b(?:19|20)\d{2}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])(?:[ T]\d{2}:\d{2}(?::\d{2})?)?\b"), 0.8),
    RegexRule("us_numeric", "DATE", re.compile(r"\b(?:0?[1-9]|1[0-2])/(?:0?[1-9]|[12]\d|3[01])/(?:19|20)\d{2}\b"), 0.7),
    RegexRule("ru_words", "DATE", re.compile(rf"\b(?:[12]?\d|3[01])(?:-?го)?\s+{_RU_MONTHS}(?:\s+(?:19|20)\d{{2}}(?:\s*(?:года|году|г\.?))?)?", re.I), 0.7),
    RegexRule("ky_words", "DATE", re.compile(rf"(?:\b(?:19|20)\d{{2}}-?\s*(?:жылы|жылдын|ж\.)\s+)?\b(?:[12]?\d|3[01])-?\s*{_KY_MONTHS}", re.I), 0.65),
    RegexRule("en_words", "DATE", re.compile(rf"\b(?:(?:[12]?\d|3[01])(?:st|nd|rd|th)?\s+(?:of\s+)?{_EN_MONTHS},?\s+(?:19|20)\d{{2}}|{_EN_MONTHS}\s+(?:[12]?\d|3[01])(?:st|nd|rd|th)?,?\s+(?:19|20)\d{{2}})\b", re.I), 0.75),
]


def build(language: str) -> RegexRecognizer:
    return RegexRecognizer(RULES, name="dates", language=language)
