"""Units of public bodies named by a place, and organisation names in quotes.

'Leninsky district police department', 'Ошский городской ОВД', 'Talas шаардык ички иштер
бөлүмү' name a place below country level, so they are PII even though 'the police' is not.
The same in Kazakh: 'Тараз қалалық полиция басқармасы'.
Names in guillemets or quotes ('«Аруулук»', '"Ala-Too Travel"') are organisations in
Russian, Kyrgyz and Kazakh writing when they look like a name (every word capitalised) or stand next to
an organisation word (ОсОО «…», агентство «…», «…» борбору); quoted common words and quoted
speech ('«адам сатуу»' = 'human trafficking') are not.
"""

from __future__ import annotations

import re

from unreported.redaction.recognizers.base import UPPER, RegexRecognizer, RegexRule

_UP = UPPER
_EN_BODY = r"(?:police(?:\s+(?:department|station|office|unit))?|prosecutor'?s?'?\s+office|court|department|office|hospital|akimat|ayil okmotu|mayor'?s office|administration|migration service)"
_RU_BODY = r"(?:суд|ОВД|УВД|РОВД|ГУВД|ГОВД|прокуратур|отдел|управлени|отделени|больниц|акимат|мэри|администраци|айыл окмот)\w*"
_KY_BODY = r"(?:ички иштер\s+)?(?:башкармалыг|бөлүм|сот|прокуратура|ооруканa|ооруканас|мэрия|акимчилиг|айыл өкмөт)\w*"
_KK_BODY = (r"(?:ішкі\s+істер\s+|полиция\s+)?(?:департамент|басқарма|бөлім|сот|прокуратура|аурухана|емхана|әкімдіг|әкімдік|"
            r"әкімшілі|полиция)\w*")

_NAME_WORD = rf"[{_UP}0-9][^«»“”\n,.!?:;\s]*"
_ANY_WORD = r"[^«»“”\n,.!?:;\s]+"
_ORG_BEFORE = (
    r"ООО|ОсОО|ОАО|ЗАО|ЖЧК|ЖАК|ААК|ТОО|ИП|ЖИ|ОФ|КФ|ОО|агентств\w*|компани\w*|фирм\w*|центр\w*|фонд\w*|организаци\w*|"
    r"кафе|ресторан\w*|салон\w*|магазин\w*|цех\w*|company|agency|centre|center|LLC|firm|shelter"
)
_ORG_AFTER = (r"ЖЧК|ОсОО|ЖАК|ААК|ТОО|ООО|ЖШС|АҚ|LLC|Ltd|Inc|коомдук\s+бирикме\w*|коомдук\s+фонд\w*|бирикме\w*|ассоциация\w*|"
              r"борбор\w*|агенттиг\w*|агенттик\w*|компания\w*|фирма\w*|шаркат\w*|фонд\w*|уюм\w*|кафе\w*|цех\w*|"
              r"қоғамдық\s+бірлесті\w*|қоғамдық\s+қор\w*|бірлестіг\w*|қауымдастығ\w*|серіктестіг\w*|орталығ\w*|агенттіг\w*|"
              r"қоры\w*|қорын\w*")

# Company forms written before an unquoted name: 'ОсОО Ала-Тоо Тревел', 'ЖЧК Береке Курулуш'
_COMPANY_FORMS = r"ООО|ОсОО|ОАО|ЗАО|ЖЧК|ЖАК|ААК|ТОО|ЖШС|ИП|ЖИ|LLC"
# Kyrgyz organisation words after an unquoted name, in the possessive: 'Жаңы Кадам уюму' ('the Zhany
# Kadam organisation'), 'Ак Жол борборунда', 'Береке коомдук фонду'
_KY_ORG_WORDS = (r"(?:уюму|уюмун|коомдук\s+бирикмеси|коомдук\s+бирикмесин|коомдук\s+фонду|коомдук\s+фондун|фонду|фондун|"
                 r"борбору|борборун|ассоциациясы|ассоциациясын|бирикмеси|бирикмесин|агенттиги|агенттигин|компаниясы|"
                 r"компаниясын|фирмасы|фирмасын|ЖЧК|ОсОО)\w*")
# the same in Kazakh: 'Жаңа Қадам қоғамдық қоры', 'Ақ Жол орталығында', 'Береке ЖШС'
_KK_ORG_WORDS = (r"(?:қоғамдық\s+бірлестігі|қоғамдық\s+қоры|қоғамдық\s+қорын|бірлестігі|бірлестігін|қоры|қорын|орталығы|"
                 r"орталығын|қауымдастығы|қауымдастығын|агенттігі|агенттігін|компаниясы|компаниясын|фирмасы|фирмасын|"
                 r"серіктестігі|серіктестігін|ЖШС)\w*")

RULES = [
    RegexRule("en_unit", "ORGANIZATION", re.compile(
        rf"\b[{_UP}][\w'’\-]+(?:\s+[{_UP}][\w'’\-]+)?\s+(?:(?:district|city|regional|oblast|town|village|rayon)\s+)?{_EN_BODY}\b"), 0.65),
    RegexRule("ru_unit", "ORGANIZATION", re.compile(
        rf"\b[{_UP}][а-яё\-]+(?:ск|цк)(?:ий|ого|ом|ому|ая|ой|ое|ие|их|им)\s+(?:(?:городск|районн|областн|межрайонн|республиканск)\w*\s+)?{_RU_BODY}"), 0.65),
    RegexRule("ky_unit", "ORGANIZATION", re.compile(
        rf"\b[{_UP}][\w\-]+\s+(?:шаардык|райондук|облустук|айылдык)\s+{_KY_BODY}"), 0.65),
    # 'Тараз қалалық полиция басқармасы', 'Қарасай аудандық сотында' (a unit named by its place)
    RegexRule("kk_unit", "ORGANIZATION", re.compile(
        rf"(?<![\w-])[{_UP}][\w\-]+\s+(?:қалалық|аудандық|облыстық|ауылдық)\s+{_KK_BODY}"), 0.65),
    # a name, not quoted speech: at most four words, each capitalised, no sentence punctuation inside
    RegexRule("quoted_name", "ORGANIZATION", re.compile(
        rf"«(?P<v>{_NAME_WORD}(?:\s{_NAME_WORD}){{0,3}})»|“(?P<w>{_NAME_WORD}(?:\s{_NAME_WORD}){{0,3}})”"), 0.5),
    # any quoted short phrase right after or before an organisation word
    RegexRule("quoted_after_cue", "ORGANIZATION", re.compile(
        rf"(?i:{_ORG_BEFORE})\s+«(?P<v>{_ANY_WORD}(?:\s{_ANY_WORD}){{0,3}})»"), 0.6),
    RegexRule("quoted_before_cue", "ORGANIZATION", re.compile(
        rf"«(?P<v>{_ANY_WORD}(?:\s{_ANY_WORD}){{0,3}})»\s+(?i:{_ORG_AFTER})"), 0.6),
]


# Words that open a sentence before an organisation word without being part of its name
# ('Биздин уюмга', 'Ошол фонду'); common adjectives ('Жаңы Кадам' = 'New Step') can be.
_FUNCTION_WORDS = (
    "мен сен ал биз силер алар менин сенин анын биздин силердин алардын мага бизге бул ошол ушул тигил ошо ошону "
    "бир эч ар кээ ошондой анан бирок жана же мына дагы ошентип ошондо эми азыр я ты он она мы вы они наш наша ваш "
    "этот эта это тот та в на из и а но да то "
    "мен сен ол біз олар менің сенің оның біздің олардың маған бізге бұл осы сол мына әр барлық кейбір сондай және "
    "бірақ мен де да енді қазір"
).split()


def build(language: str) -> RegexRecognizer:
    not_function = rf"(?!(?i:{'|'.join(sorted(_FUNCTION_WORDS, key=len, reverse=True))})(?![\w-]))"
    name = rf"[{_UP}][\w\-]*"
    rules = RULES + [
        RegexRule("company_form_name", "ORGANIZATION", re.compile(
            rf"(?<![\w-])(?:{_COMPANY_FORMS})\s+(?P<v>[{_UP}][\w\-]*(?:[ \t][{_UP}][\w\-]*){{0,2}})"), 0.6),
        RegexRule("ky_org_word", "ORGANIZATION", re.compile(
            rf"(?<![\w-]){not_function}(?P<v>{name}(?:[ \t]{name}){{0,2}})[ \t]+{_KY_ORG_WORDS}"), 0.6),
        RegexRule("kk_org_word", "ORGANIZATION", re.compile(
            rf"(?<![\w-]){not_function}(?P<v>{name}(?:[ \t]{name}){{0,2}})[ \t]+{_KK_ORG_WORDS}"), 0.6),
    ]
    return RegexRecognizer(rules, name="institutions", language=language)
