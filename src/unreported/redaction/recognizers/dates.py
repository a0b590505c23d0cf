"""Dates in English, Russian, Kyrgyz and Kazakh forms ('12 марта 2019', '2019-жылдын 5-майында',
'2020 жылғы 5 наурызда', '12.03.2019'), years also in words as speech is transcribed ('екі мың
он тоғызыншы жылы', 'эки миң он тогузунчу жылы', 'в две тысячи девятнадцатом году').

Beyond full calendar dates, the study's policy (redaction/policy.yml, DATE) also redacts
years standing alone ('in 2019', 'в 2019 году', '2019-жылы'), month-and-year ('March 2019'),
weekdays ('on Tuesday', 'в понедельник', 'дүйшөмбү күнү') and clock times next to a date: an
interview date, a date of birth or the day someone was taken across a border identifies a
person when combined with the rest of a story. Month names alone ('in March') are kept.
"""

from __future__ import annotations

import re

from unreported.redaction.recognizers.base import RegexRecognizer, RegexRule

_RU_MONTHS = r"(?:январ|феврал|март|апрел|ма[йяе]|июн|июл|август|сентябр|октябр|ноябр|декабр)\w*"
_KY_MONTHS = r"(?:январ|феврал|март|апрел|май|июн|июл|август|сентябр|октябр|ноябр|декабр|үчтүн айы|жалган куран|чын куран|бугу|кулжа|теке|баш оона|аяк оона|тогуздун айы|жетинин айы|бештин айы|гүлдөн|жалган|чын|бүчүн|теке)\w*"
_KK_MONTHS = r"(?:қаңтар|ақпан|наурыз|сәуір|мамыр|маусым|шілде|тамыз|қыркүйек|қазан|қараша|желтоқсан|январ|феврал|март|апрел|май|июн|июл|август|сентябр|октябр|ноябр|декабр)\w*"
# Kazakh / Kyrgyz ordinal after digits ('2020-сыншы', '1995-інші', '5-інші', '12-нчи')
_ORD = r"(?:-?(?:[ыіиуү]?с?[ыіиуү]?)н?[шч][ыіиуү])"
# number words a spoken year is made of (Kazakh, Kyrgyz; ordinal forms follow the stem)
_NUM_WORD = (r"(?:бір|екі|үш|төрт|бес|алты|жеті|сегіз|тоғыз|он|жиырма|отыз|қырық|елу|алпыс|жетпіс|сексен|тоқсан|"
             r"бир|эки|беш|жети|сегиз|тогуз|жыйырма|отуз|кырк|элүү|алтымыш|жетимиш|токсон)\w*")
# a day said in words, an ordinal ('он төртінші қазанда' = on 14 October, 'жыйырма бешинчи майда')
_DAY_WORDS = rf"(?:(?:он|жиырма|отыз|жыйырма|отуз)\s+)?{_NUM_WORD}?(?:ыншы|інші|ншы|нші|нчы|нчи|нчу|нчү)"
# what may follow a Kazakh / Kyrgyz year: its month, with or without the day ('2019-дың желтоқсанында')
_THEN_MONTH = rf"(?:\s+(?:(?:[12]?\d|3[01]){_ORD}?\s+|{_DAY_WORDS}\s+)?{_KK_MONTHS})?"
_EN_MONTHS = r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
_EN_FULL_MONTHS = r"(?:january|february|march|april|may|june|july|august|september|october|november|december)"
_EN_WEEKDAYS = r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
_RU_WEEKDAYS = r"(?:понедельник|вторник|сред[уа]|четверг|пятниц[ау]|суббот[уа]|воскресень[ея])"
_KY_WEEKDAYS = r"(?:дүйшөмбү|шейшемби|шаршемби|бейшемби|жума|ишемби|жекшемби|дүйсенбі|сейсенбі|сәрсенбі|бейсенбі|жұма|сенбі|жексенбі)"
# A year of the last or this century standing as a number on its own (not '2019 сом', not a
# part of a phone, card or postcode: no digit, dot-digit or dash-digit on either side).
_YEAR = r"(?<![\d.,/:+\-])(?:19[3-9]\d|20[0-4]\d)(?:\s?[-–]\s?(?:19|20)\d{2})?(?![\d%]|[.,/:\-]\d)"
_UNITS_AFTER = r"(?!\s*(?:сом|som|soms|рубл|руб|тенге|доллар|долл|\$|usd|kgs|km|км|кг|kg|m\b|метр|человек|адам|people|persons|cases|случа))"
_TIME = r"(?:[ T,]\s*(?:at\s+|в\s+|саат\s+)?(?:[01]?\d|2[0-3]):[0-5]\d(?::[0-5]\d)?(?:\s?[ap]\.?m\.?)?)?"

RULES = [
    RegexRule("numeric", "DATE", re.compile(r"\b(?:0?[1-9]|[12]\d|3[01])[./-](?:0?[1-9]|1[0-2])[./-](?:19|20)?\d{2}\b" + _TIME), 0.75),
    RegexRule("iso", "DATE", re.compile(r"\b(?:19|20)\d{2}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])(?:[ T]\d{2}:\d{2}(?::\d{2})?)?\b"), 0.8),
    RegexRule("us_numeric", "DATE", re.compile(r"\b(?:0?[1-9]|1[0-2])/(?:0?[1-9]|[12]\d|3[01])/(?:19|20)\d{2}\b" + _TIME), 0.7),
    RegexRule("ru_words", "DATE", re.compile(rf"\b(?:[12]?\d|3[01])(?:-?го)?\s+{_RU_MONTHS}(?:\s+(?:19|20)\d{{2}}(?:\s*(?:года|году|г\.?))?)?", re.I), 0.7),
    RegexRule("kk_words", "DATE", re.compile(
        rf"(?:\b(?:19|20)\d{{2}}{_ORD}?\s*жыл\w*\s+)?\b(?:[12]?\d|3[01]){_ORD}?\s+{_KK_MONTHS}(?:\s+күн\w*)?"
        rf"|\b{_DAY_WORDS}\s+{_KK_MONTHS}(?:\s+күн\w*)?"
        rf"|\b{_KK_MONTHS}\s+(?:[12]?\d|3[01])(?:-?[а-яәіңғүұқөһ]{{1,6}})?(?![\d%])", re.I), 0.65),
    # a year said in words: 'екі мың жиырмасыншы жылы', 'бир миң тогуз жүз токсон бешинчи жылы', 'две тысячи девятнадцатом году'
    RegexRule("year_words", "DATE", re.compile(
        rf"\b(?:(?:бір\s+)?мың\s+тоғыз\s+жүз|екі\s+мың|(?:бир\s+)?миң\s+тогуз\s+жүз|эки\s+миң)(?:\s+{_NUM_WORD}){{0,3}}\s+жыл\w*{_THEN_MONTH}"
        r"|\b(?:тысяча\s+девятьсот|две\s+тысячи)(?:\s+[а-яё]+){0,2}?\s+год\w*", re.I), 0.55),
    RegexRule("ky_words", "DATE", re.compile(rf"(?:\b(?:19|20)\d{{2}}-?\s*(?:жылы|жылдын|ж\.)\s+)?\b(?:[12]?\d|3[01])-?\s*{_KY_MONTHS}", re.I), 0.65),
    RegexRule("en_words", "DATE", re.compile(rf"\b(?:(?:[12]?\d|3[01])(?:st|nd|rd|th)?\s+(?:of\s+)?{_EN_MONTHS},?\s+(?:19|20)\d{{2}}|{_EN_MONTHS}\s+(?:[12]?\d|3[01])(?:st|nd|rd|th)?,?\s+(?:19|20)\d{{2}})\b", re.I), 0.75),
    # 'March 2019', 'марте 2019 года', '2019-жылдын мартында'
    RegexRule("month_year", "DATE", re.compile(rf"\b(?:{_EN_FULL_MONTHS}|{_RU_MONTHS}),?\s+(?:of\s+)?(?:19|20)\d{{2}}\b(?:\s*(?:года|году|г\.))?", re.I), 0.7),
    RegexRule("ky_month_year", "DATE", re.compile(rf"\b(?:19|20)\d{{2}}-?\s*(?:жылы|жылдын|жылдын\s+)\s*{_KY_MONTHS}", re.I), 0.7),
    # a year on its own, with its Russian / Kyrgyz / Kazakh word ('2019 году', '2019-жылы', '2019-ж.', '1995-інші жылғы')
    RegexRule("year", "DATE", re.compile(
        rf"{_YEAR}{_ORD}?(?:-[дтн][аеыіоөуү][нң]?|\s*-?\s*(?:жыл\w*|ж\.|годах|годы|года|году|гг\.|г\.))?"
        rf"{_THEN_MONTH}{_UNITS_AFTER}", re.I), 0.55),
    # weekdays (any case: speech is transcribed in lower case as often as not)
    RegexRule("weekday", "DATE", re.compile(
        rf"\b(?:{_EN_WEEKDAYS}|(?:в|во|по|на)\s+(?P<v>{_RU_WEEKDAYS})|{_KY_WEEKDAYS}\s+күн\w*)\b", re.I), 0.55),
]


def build(language: str) -> RegexRecognizer:
    return RegexRecognizer(RULES, name="dates", language=language)
