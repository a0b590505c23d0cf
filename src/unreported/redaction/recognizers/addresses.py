"""Street addresses in Russian, Kyrgyz, English and other European forms.

An address is anchored on a street word ('ул.', 'мкр.', 'көчөсү', 'Street', 'Apt') and grows
over the street name, house, building and flat numbers around it; in English also the
number-first form ('221 Baker Street, Apt 4') and following city / region / postcode lines.
Street words come from the country files (redaction/countries/*.yml) plus the street types of
the world's common address forms below: a respondent who worked abroad may give an address
in Istanbul, Dubai, Seoul or Europe ('Hersnapvej 18', 'ul. Miła 53', '26 rue de Pologne').
Postcodes are caught after a postcode cue ('ZIP: 3520', 'индекс 720001') and after a country
name ('Finland 80896'); military and PO boxes ('PSC 1437, Box 3833, APO AA 66791') too.
"""

from __future__ import annotations

import re

from unreported.redaction.countries import CountryFormats
from unreported.redaction.recognizers.base import UPPER, RegexRecognizer, RegexRule

_UP = UPPER
# upper-case letters of Latin (with accents), Cyrillic and Greek script
_UPX = "A-ZÀ-ÖØ-ÞĀĂĄĆČĎĐĒĖĘĚĞĪĮİĶĹĻĽŁŃŅŇŌŐŒŔŘŚŞŠŢŤŪŮŰŲŹŻŽА-ЯЁӨҮҢІҒҚҰӘҺΑ-Ω"
# a word of a street name; a dot only inside it ('Ак-Өргө', 'St.Petersburg'), not the full stop after it
_NAME = rf"(?:(?!(?:The|A|An|This|That|My|Our|His|Her|Their|Your|Its|Этот|Эта|Это|Тот|Бул|Ошол)\b)[{_UP}0-9](?:[\w'’\-]|\.(?=\w))*)"
_NUM = r"(?:№\s?)?\d{1,5}[\w/\-]{0,4}"
_FLAT_RU = r"(?:д(?:ом)?\.?|корп(?:ус)?\.?|стр\.?|кв(?:артира)?\.?|офис|каб(?:инет)?\.?|үй|батир|кеңсе|apt\.?|apartment|flat|suite|unit|office|room|#)"

# Street types written after the name in English-speaking countries (USPS / Royal Mail
# suffixes); used only after a house number ('615 Benedum Drive'), as many are common words.
EN_STREET_TYPES = (
    "alley allee arcade avenue ave av bend boulevard blvd branch bridge brook bypass byway causeway circle cir "
    "circus close cl common concourse corner corners court ct courts cove crescent cres crest crossing crossroad "
    "dale drive dr drives embankment estate estates expressway extension extensions falls ferry field fields flat "
    "flats ford forge forges fork forks freeway garden gardens gate gateway glen green greens grove harbor harbour "
    "heights highway hwy hill hills hollow island islands isle junction key keys knoll lake lakes landing lane ln "
    "loop mall manor meadow meadows mews mill mills motorway mount mountain orchard oval park parkway pass passage "
    "path pike place pl plaza point points port prairie quay radial ramp ranch rapids ridge rise road rd route row "
    "rue run shoal shore shores skyway spring springs spur square sq station stravenue stream street st streets "
    "summit terrace ter throughway trace track trail tunnel turnpike underpass union unions valley via viaduct view "
    "villas vista walk way ways wharf wynd yard"
).split()
# Street words written before the name in other languages ('ul. Miła 53', 'Rue de Tanger 5', 'C/ Mayor 3')
INTL_PREFIX = ("ul", "ulica", "ulitsa", "ulitsy", "aleja", "al", "pl", "plac", "rue", "avenue", "av", "avenida", "avda",
               "bd", "boulevard", "boulevardul", "bulevar", "bulvar", "bul", "calle", "c", "carrer", "camino", "paseo", "plaza",
               "praça", "praca", "rua", "travessa", "largo", "via", "viale", "vicolo", "corso", "piazza", "strada", "str",
               "trg", "utca", "u", "cesta", "náměstí", "nám", "sokak", "sok", "cadde", "cad", "mahallesi", "mah",
               "prospekt", "prospekti", "pr", "mkr", "mikrorayon", "kochosu", "köchösü", "λεωφόρος", "οδός", "πλατεία")
_STREET_ABBREV = {"ул", "пр", "кв", "мкр", "д", "пер", "б-р", "ж/м", "наб", "корп", "стр", "st", "rd", "ave", "apt", "blvd",
                  "bldg", "mkr", "ln", "dr", "sq", "pl", "ul", "ct", "hwy", "sok", "mah", "cad"}
_ABBREV = {"ul", "al", "pl", "av", "avda", "bd", "bul", "c", "pr", "str", "nám", "sok", "cad", "mah", "mkr"}
# Street words a street name ends with in Germanic, Nordic, Baltic, Finnish, Dutch and Hungarian
# addresses, written together with the name ('Hersnapvej', 'Kiannonkatu', 'Pohlstrasse') or apart
INTL_SUFFIX = ("strasse", "straße", "str", "gasse", "weg", "allee", "platz", "vej", "gade",
               "gata", "gatan", "vägen", "väg", "veien", "vegen", "vei", "gate", "gränd", "torg", "katu", "tie", "kuja",
               "polku", "kaari", "laan", "straat", "gracht", "kade", "dreef", "steenweg", "utca", "út", "útja", "körút",
               "tér", "iela", "gatvė", "prospektas", "tänav", "põik", "maantee", "puiestee", "braut", "stræde", "vegur")

# A postcode: US ZIP(+4), 4–6 digits, '53-320', '394 13', Canadian 'B0J 2H0', Dutch '7412 SL', British 'SW1A 1AA'
_POST = (r"(?:\d{5}-\d{4}|\d{2}-\d{3}|\d{3}\s\d{2}(?!\d)|[A-Z]\d[A-Z]\s?\d[A-Z]\d|\d{4}\s?[A-Z]{2}(?![A-Za-z])"
         r"|[A-Z]{1,2}\d[A-Z\d]?\s?\d[A-Z]{2}|\d{3,6})")
# a number after a country that counts something ('in Russia 3000 people') is not a postcode
_NOT_COUNT = (r"(?!\s*(?i:people|persons|victims|women|men|girls|boys|cases|times|som|soms|сом|dollars|долл|руб|тенге|"
              r"человек|адам|киши|жолу|раз|случа|жыл|year))")
_POST_CUES = (r"zip(?:\s*code)?|postal\s*code|post\s*code|postcode|post\s*number|почтовый\s+индекс|индекс|"
              r"почта\s+индекси|индекси")

_ADDRESS_CUES = ("address", "live", "lives", "lived", "living", "located", "sent to", "send", "ship", "deliver", "moved",
                 "meet", "drops", "office", "адрес", "живу", "жила", "жил", "проживает", "дареги", "турам", "жашайм")
# The unit, city, region, state and postcode lines after a street line, separated by commas or
# line breaks (quoted e-mail lines may start with '>'); each part is capitalised or a code.
_SEP = r"[ \t]*(?:,[ \t]*\n?|\n)[ \t]*(?:>|\?{3})?[ \t]*,?[ \t]*"
_UNIT = r"(?:[ \t]*(?:,[ \t]*|\n[ \t]*(?:>|\?{3})?[ \t]*)?(?i:apt|apartment|suite|unit|box|flat|room|office)\.?[ \t]*#?\w+|[ \t]*#\d+)"
_PART = (rf"(?:[{_UPX}][\w'’.\-]*(?:[ \t]+(?:\(?[{_UPX}][\w'’.\-]*\)?|(?i:de|del|de la|di|da|do|du|des|na|am|an|im|upon|on|le|la|van|von)))"
         rf"{{0,4}}(?:[ \t]+{_POST})?|[A-Z]{{2,3}}(?:[ \t]+{_POST})?|{_POST})")
_TAIL = rf"{_UNIT}*(?:{_SEP}{_PART}(?![\w'’])){{0,4}}"
# a street-name word: any case (lower-cased text is common), but not a function word of a sentence
_NOT_NAME = (r"(?!(?i:the|a|an|and|or|but|for|of|in|on|at|to|is|was|are|were|my|his|her|our|their|your|this|that|with|"
             r"from|by|per|about|times|people|persons|years|months|weeks|days|hours|som|soms|dollars|rubles|euros)\b)")
# one side of a crossing: one to five words ('ul. Grochowa 80', 'Lahtinen Road')
_SIDE = r"[^\s,?!]+(?:[ \t][^\s,?!]+){0,4}?"
_ANYNAME = _NOT_NAME + r"[^\W\d_][\w'’.\-]*"
# a word of a street name after a house number: capitalised, or Latin in lower case (lower-cased
# text) — a lower-case Cyrillic word is running Russian or Kyrgyz speech ('2012 года ... в тупик')
_STREET_WORD = _NOT_NAME + rf"(?:[{_UPX}0-9]|[a-zà-ÿ])[\w'’.\-]*"
# a date is no house number and street: '5 July 1979', '14 февраля 1992', '3-мартта 2008'
_MONTH_WORD = (r"(?i:(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|"
               r"oct(?:ober)?|nov(?:ember)?|dec(?:ember)?|(?:январ|феврал|апрел|сентябр|октябр|ноябр|декабр)[яеьюи]?|"
               r"ма[йяе]|(?:июн|июл)[яьею]?|(?:март|август)[аеу]?)\b)")
_PARTICLE = r"(?:(?i:de|dei|del|della|degli|do|da|dos|das|du|des|la|le|di|van|von|der|den|ten|al|el)[ \t]+)"


def _alt(words) -> str:
    return "|".join(sorted((re.escape(w) for w in set(words)), key=len, reverse=True))


def _country_alt() -> str:
    from unreported.redaction.engine import country_names

    return _alt(n for n in country_names() if len(n) > 3)


def build(formats: list[CountryFormats], language: str) -> RegexRecognizer:
    words = {"ул", "улица", "мкр", "микрорайон", "пр", "проспект", "кв", "дом", "көчөсү", "street", "avenue", "road", "apt"}
    for cf in formats:
        for lang_words in cf.street_words.values():
            words.update(w.lower() for w in lang_words)
    sw = _alt(sorted(words))
    # a street word and its name: an abbreviation may take a dot ('ул. Ленина'); a full word may not,
    # as its dot ends a sentence ('near the house. The next day')
    sw_name = rf"(?:(?i:{_alt(w for w in words if w in _STREET_ABBREV)})\.?|(?i:{_alt(w for w in words if w not in _STREET_ABBREV)}))"
    en_types = _alt(set(EN_STREET_TYPES) | words | set(INTL_SUFFIX))
    # abbreviations ('ul.', 'C/', 'pl.') only with their dot or slash
    prefix = rf"(?:{_alt(w for w in INTL_PREFIX if w not in _ABBREV)})(?:\.|/|[ \t])|(?:{_alt(_ABBREV)})(?:\.|/)"
    suffix = _alt(INTL_SUFFIX)
    cap = rf"[{_UPX}][\w'’.\-]*"
    tail = rf"(?:,?\s*{_FLAT_RU}\s*{_NUM})*"
    house = r"(?:\d{1,6}[A-Za-z]?[ \t]+)?"
    rules = [
        # keyword first: ул. Ленина 12, кв. 5 / мкр. Асанбай, д. 7 / проспект Чуй, 120
        RegexRule("street_first", "ADDRESS",
                  re.compile(rf"(?<!\w){sw_name}[ \t]+{_NAME}(?:[ \t\-]{_NAME}){{0,3}}(?:,?[ \t]*{_NUM})?{tail}"), 0.7),
        # name first: Ленина көчөсү 12 / Chui Avenue 120 / Baker Street
        RegexRule("street_last", "ADDRESS",
                  re.compile(rf"(?:{_NUM}\s+)?{_NAME}(?:[\s\-]{_NAME}){{0,2}}\s+(?i:{sw})(?!\w)\.?(?:,?\s*{_NUM})?{tail}"), 0.6),
        # English number-first with flat and following city/state/postcode parts: '615 Benedum Drive'
        RegexRule("number_first", "ADDRESS",
                  re.compile(rf"\b\d{{1,6}}[A-Za-z]?[ \t]+(?:\d{{1,5}}[ \t]+)?(?:{_STREET_WORD}[ \t]+){{1,4}}(?i:{en_types})(?!\w)\.?"
                             rf"(?:[ \t]+(?!(?i:and|or|in|at|on|to|is|was|for)\b)[{_UPX}][\w'’.\-]*){{0,3}}(?:[ \t]+\d{{1,5}}\w?)?" + _TAIL), 0.55),
        # a street type first and a house number after: 'ul. Chrzanowska 61', 'Via dei Fiorentini 17', '12 rue de Pologne'
        RegexRule("prefix_street_number", "ADDRESS",
                  re.compile(rf"(?<![\w/]){house}(?i:{prefix})[ \t]*{_PARTICLE}*(?:{cap}|\d{{1,3}}\.?)(?:[ \t]+{_ANYNAME}){{0,4}}[ \t]+\d{{1,5}}[A-Za-z]?\b\.?" + _TAIL), 0.6),
        # a compound street name and a house number: 'Hersnapvej 18', 'Villacher Strasse 89', 'Király utca 5'
        RegexRule("suffix_street_number", "ADDRESS",
                  re.compile(rf"(?<![\w/]){house}(?:(?:{cap}[ \t]+){{0,3}}[{_UPX}][^\W\d_]+?(?i:{suffix})|(?:{cap}[ \t]+){{1,3}}(?i:{suffix}))\.?[ \t]+\d{{1,5}}[A-Za-z]?\b\.?" + _TAIL), 0.6),
        # house number, street name (any script and case), building number: '5366 Pivovarská 276'
        RegexRule("number_name_number", "ADDRESS",
                  re.compile(rf"\b\d{{1,6}}[A-Za-z]?[ \t]+(?:\d{{1,4}}[ \t]+)?(?![a-zа-яё]|{_MONTH_WORD})[^\W\d_][\w'’.\-]{{2,}}(?:[ \t]+[^\W\d_][\w'’.\-]*){{0,4}}[ \t]+\d{{1,5}}[A-Za-z]?\b\.?" + _TAIL),
                  0.4, None, _ADDRESS_CUES),
        # military and PO boxes: 'PSC 0729, Box 5797 APO AP 96854', 'USNS Vincent FPO AA 68422', 'P.O. Box 104'
        RegexRule("military_box", "ADDRESS", re.compile(
            r"\b(?:PSC|Unit|CMR)\s\d{3,5},?\s+Box\s\d{3,5}(?:\s*,?\s*(?:APO|FPO|DPO)\s[A-Z]{2}\s\d{5})?", re.I), 0.6),
        RegexRule("ship", "ADDRESS", re.compile(
            r"\b(?:USNS|USNV|USS|USCGC)\s[^\n,]{2,30}?\s*,?\s*\n?\s*(?:FPO|APO|DPO)\s[A-Z]{2}\s\d{5}", re.I), 0.6),
        RegexRule("po_box", "ADDRESS", re.compile(
            r"\b(?:P\.?\s?O\.?\s?Box|Post\s?box|Postfach|а/я|абонентский\s+ящик)\s?\d{1,6}" + _TAIL, re.I), 0.55),
        # postcodes after a cue or a country name
        RegexRule("postcode_cue", "ADDRESS", re.compile(
            rf"(?i:{_POST_CUES})(?:\s+(?:is|was|:))?\s*[:\-—]?\s*(?P<v>{_POST}|\d{{3,6}})(?!\w)"), 0.6),
        RegexRule("postcode_country", "ADDRESS", re.compile(
            rf"(?<![\w-])(?i:{_country_alt()})(?:[ \t]*\([^)\n]{{1,20}}\))?[ \t]+(?!(?:19|20)\d\d\b|\d{{1,3}}\b(?![ \t]\d\d\b))(?P<v>{_POST})(?![\w-]){_NOT_COUNT}"), 0.5),
        # 'the corner of X and Y' / 'на углу X и Y'
        RegexRule("corner", "ADDRESS",
                  re.compile(rf"(?i:(?:the\s+)?corner of|на углу|на перекрестке|кесилишинде)\s+{_SIDE}\s(?:and|и|менен)\s{_SIDE}(?=\.?(?:[,?!\n]|$)|\.\s)"), 0.6),
        # flat / house numbers alone: кв. 12, д. 5, apt 4B
        RegexRule("flat", "ADDRESS", re.compile(rf"(?<!\w){_FLAT_RU}\s*{_NUM}", re.I), 0.45),
    ]
    return RegexRecognizer(rules, name="addresses", language=language)
