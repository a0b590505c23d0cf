"""Places below country level that NER models miss: a country gazetteer and place-word shapes.

The Russian news model behind natasha knows Moscow but not 'Кочкордо' (in Kochkor) or
'Таластан' (from Talas), and the small English model misses 'At-Bashy'. Two sources fill in:

* the ``places`` lists of the country files (redaction/countries/*.yml: oblasts, districts,
  cities, towns, big markets), matched in either script (one spelling per script; Latin
  spellings agree through :func:`~unreported.redaction.normalize.name_key`) and under Kyrgyz
  case and possessive suffixes ('Баткендеги', 'Алматыда'), Kazakh ones ('Алматыдағы',
  'Шымкенттің', 'Атырауға'), Russian case endings ('в Бишкеке',
  'из Москвы') and the English possessive;
* the shape of a place phrase: a capitalised word before a Kyrgyz place word in the possessive
  ('Кочкор району', 'Чүй облусунда', 'Ак-Талаа айылы', 'Ош шаарында'), the same in Kazakh
  ('Жамбыл облысында', 'Қарабалық ауданындағы', 'Шығыс Қазақстан облысы'), a Russian place
  adjective before 'район' / 'область' ('Аксыйского района', 'Андижанской области') or
  'базар' / 'рынок' ('на Ошском базаре'), a capitalised word after 'село' / 'город' /
  'г.' / 'с.', and English 'X district', 'village of X', 'X bazaar'.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from presidio_analyzer import EntityRecognizer, RecognizerResult

from unreported.redaction.countries import CountryFormats
from unreported.redaction.normalize import name_key
from unreported.redaction.recognizers.base import UPPER, RegexRecognizer, RegexRule, make_result

_UP = UPPER
_WORD = re.compile(rf"[{_UP}][\w'’]*(?:-[^\W\d_][\w'’]*)*")

# Kyrgyz case, possessive and derivational suffixes a place name takes (with vowel harmony),
# then Russian case endings and the English possessive; longest first.
_KY_V = "аеоөыиуү"
_KY_SUFFIXES = {
    *(c + v for c in "дт" for v in "аеоө"),                          # locative  -да -те
    *(c + v + g for c in "дт" for v, g in zip("аеоө", ("гы", "ги", "гу", "гү"))),  # -дагы -теги
    *(c + v + "н" for c in "дтн" for v in "аеоө"),                    # ablative  -дан -тен -нан
    *(c + v for c in "гк" for v in "аеоө"),                           # dative    -га -ке -го
    *(c + v + "н" for c in "дтн" for v in "ыиуү"),                    # genitive  -дын -тин -нун
    *(c + v for c in "дтн" for v in "ыиуү"),                          # accusative -ды -ти -ну
    *(c + v for c in "чч" for v in "аеоө"),                           # -ча (in the way of)
    *(c + v + k for c in "лдт" for v, k in zip("ыиуү", ("к", "к", "к", "к"))),  # -лык -дик (from X)
    *(v + e for v in "ыиуү" for e in ("", "н", "на", "нда", "ндагы", "нан", "нын", "нин", "нун", "нүн")),
    *("с" + v + e for v in "ыиуү" for e in ("", "н", "на", "нда", "ндагы", "нан", "нын", "нин", "нун", "нүн")),
}
_KY_SUFFIXES |= {s + "лар" for s in ("дагы", "деги", "догу", "дөгү", "лык", "лик", "дык", "дик", "тык", "тик")}
# Kazakh spells the same suffixes with its own letters (ғ қ ң і): -дағы -тегі, -ға -қа, -ның -тің, -ды -ті
_KK_SUFFIXES = {
    *(c + v + g for c in "дт" for v, g in (("а", "ғы"), ("е", "гі"))),    # -дағы -тегі
    *(c + v for c in "ғқ" for v in "а"), "ге", "ке", "на", "не",          # dative    -ға -қа -ге -ке
    *(c + v + "ң" for c in "дтн" for v in "ыі"),                           # genitive  -дың -тің -ның
    *(c + v for c in "дтн" for v in "ыі"),                                 # accusative -ды -ті -ні
    *(c + v + k for c in "лдт" for v, k in (("ы", "қ"), ("і", "к"))),      # -лық -дік (from X)
    *(v + e for v in "ыі" for e in ("", "н", "на", "не", "нда", "нде", "ндағы", "ндегі", "нан", "нен", "ның", "нің")),
    *("с" + v + e for v in "ыі" for e in ("", "н", "на", "не", "нда", "нде", "ндағы", "ндегі", "нан", "нен", "ның", "нің")),
    "мен", "бен", "пен",                                                   # with / and
}
_RU_SUFFIXES = {"а", "я", "у", "ю", "е", "и", "ы", "ом", "ем", "ой", "ей", "ою", "ью", "ь"}
_LATIN_SUFFIXES = {"'s", "’s", "da", "de", "do", "ta", "te", "dan", "den", "tan", "ten", "ga", "ge", "ka", "ke",
                   "dyn", "din", "nyn", "nin", "tyn", "tin", "dagy", "degi", "daghy", "lyk", "lik"}
_SUFFIXES = tuple(sorted(_KY_SUFFIXES | _KK_SUFFIXES | _RU_SUFFIXES | _LATIN_SUFFIXES, key=len, reverse=True))
# Russian nouns lose their final vowel or soft sign before an ending ('Москва' -> 'Москве')
_SOFT_END = re.compile(r"[аяьйa]$", re.IGNORECASE)


class PlaceGazetteerRecognizer(EntityRecognizer):
    """Place names from the country files, inflected or not, in Cyrillic or Latin script."""

    SCORE = 0.9  # a listed place is near-certain; beats the common-word filters (a place is not 'кочкор', a ram)

    def __init__(self, places: Iterable[str], language: str) -> None:
        self.exact: set[str] = set()
        self.stems: set[str] = set()
        for p in places:
            key = name_key(p)
            if len(key) < 2:
                continue
            self.exact.add(key)
            if _SOFT_END.search(p):
                self.stems.add(name_key(p[:-1]))
        super().__init__(supported_entities=["LOCATION"], name="places", supported_language=language)

    def load(self) -> None:
        return None

    def is_place(self, word: str) -> bool:
        """True for a listed place in any of its forms ('Таластан', 'Бишкеке', 'Osh's')."""
        if name_key(word) in self.exact:
            return True
        low = word.lower()
        for suf in _SUFFIXES:
            if low.endswith(suf) and len(low) > len(suf) + 1:
                key = name_key(word[: len(word) - len(suf)])
                if key in self.exact or (suf in _RU_SUFFIXES and key in self.stems):
                    return True
        return False

    def analyze(self, text: str, entities: list[str], nlp_artifacts=None) -> list[RecognizerResult]:
        if entities and "LOCATION" not in entities:
            return []
        out = []
        words = list(_WORD.finditer(text))
        i = 0
        while i < len(words):
            m = words[i]
            nxt = words[i + 1] if i + 1 < len(words) else None
            # two-word places ('Санкт Петербург', 'Абу Даби') as one
            if nxt is not None and text[m.end() : nxt.start()] == " " and self.is_place(m.group(0) + nxt.group(0)):
                out.append(make_result("LOCATION", m.start(), nxt.end(), self.SCORE, self.name))
                i += 2
                continue
            if self.is_place(m.group(0)):
                end = m.end() - (2 if m.group(0).endswith(("'s", "’s")) else 0)
                out.append(make_result("LOCATION", m.start(), end, self.SCORE, self.name))
            i += 1
        return out


# Words that open a place phrase without naming a place ('Кайсы районунда' = 'in which district',
# 'Home town', 'Биздин айылы' = 'our village'), besides the stop words of en/ru/ky
_NOT_PLACE_NAMES = frozenset("""
қай қандай осы сол мына біздің менің ауылдық ескі жаңа үлкен кіші
кайсы кандай ушул тигил тиги ар бардык башка өз өзүнүн ошол ошондой мындай андай ошо жаңы эски чоң кичи кичинекей
жакынкы коңшу биринчи экинчи үчүнчү ошол мурдагы азыркы негизги борбордук түштүк түндүк чыгыш батыш
какой какая каком какой которой котором нашем нашей соседнем соседней родном родной новом новой старом старой этом этой
home hometown native old new small big nearby neighbouring neighboring same next capital whole entire rural remote local
our my his her their its this that which what every each another other one north south east west central
""".split())


def _not_function_word(surface: str) -> bool:
    """The name part of a place phrase is not a pronoun, question word or plain adjective ('Биздин айылы')."""
    from unreported.redaction.recognizers.gazetteer_names import stop_words

    first = surface.split()[0].lower()
    return first not in stop_words() and first not in _NOT_PLACE_NAMES


_CAP = rf"[{_UP}][\w'’]*(?:-[^\W\d_][\w'’]*)*"
# Kyrgyz place words in the possessive ('X району' = 'the district of X'), any case after it
_KY_PLACE_WORDS = (r"(?:району|районун|облусу|облусун|шаары|шаарын|айылы|айылын|кыштагы|кыштагын|аймагы|аймагын|"
                   r"өрөөнү|өрөөнүн|поселкасы|поселкасын|конушу|конушун|айыл\s+аймагы|айыл\s+өкмөтү|массиви|массивин)\w*")
# Kazakh place words in the possessive ('X облысы' = 'the region of X'), any case after it;
# a compass word may come first ('Шығыс Қазақстан облысы' = East Kazakhstan region)
_KK_PLACE_WORDS = (r"(?:облысы|облысын|облысының|ауданы|ауданын|қаласы|қаласын|ауылы|ауылын|кенті|кентін|"
                   r"ауылдық\s+округі|ауылдық\s+округін|елді\s+мекені|елді\s+мекенін|шағын\s+ауданы|шағын\s+ауданын|өңірі|өңірін)\w*")
_KK_COMPASS = r"(?:Шығыс|Батыс|Солтүстік|Оңтүстік|Орталық)"
_RU_ADJ = rf"[{_UP}][а-яё\-]+(?:ск|цк)(?:ий|ого|ому|ом|ая|ой|ую|ое|ие|их|им|ими)"
_RU_ADMIN = r"(?:район|област|округ|кра[йяюе]|сельсовет|айыл\s+окмот|айылн\w+\s+аймак)\w*"
_RU_MARKET = r"(?:базар|рын(?:ок|к)|вокзал|аэропорт|автовокзал|автостанци)\w*"
_RU_BEFORE = (r"(?:город|городе|города|городу|городом|г\.|село|селе|села|селу|с\.|деревн[яеиюй]|посёлок|поселок|"
              r"посёлке|поселке|посёлка|поселка|пгт|аул|ауле|аула|кишлак|кишлаке|кишлака|станиц[аеыу]|микрорайон\w*|мкр\.?)")
_EN_AFTER = r"(?:district|region|oblast|province|village|town|rayon|raion|aiyl|ayil|county|municipality)"
_EN_BEFORE = r"(?:village|town|city|district|region|province)\s+of"
_EN_NOT_FIRST = (r"(?!(?i:the|this|that|our|my|his|her|their|a|an|in|from|to|of|at|and|or|same|every|each|whole|"
                 r"other|another|which|what|one|his|its|your)\b)")
_MARKET_EN = r"(?:bazaar|bazar|market)"

RULES = [
    RegexRule("ky_place_word", "LOCATION",
              re.compile(rf"(?<![\w-])(?P<v>{_CAP})[ \t]+{_KY_PLACE_WORDS}"), 0.75, _not_function_word),
    RegexRule("kk_place_word", "LOCATION",
              re.compile(rf"(?<![\w-])(?P<v>(?:{_KK_COMPASS}[ \t]+)?{_CAP})[ \t]+{_KK_PLACE_WORDS}"), 0.75, _not_function_word),
    RegexRule("ky_market", "LOCATION",
              re.compile(rf"(?<![\w-]){_CAP}[ \t]+базар(?:ы|ын)\w*"), 0.7, _not_function_word),
    # 'в Таласской области', and lists: 'в Нарынской, Ошской и Баткенской областях'; scored above
    # natasha's LOC (0.8) so Presidio keeps this phrase-backed result ('Чуйской' is also a common
    # adjective, which only the phrase shape clears)
    RegexRule("ru_admin", "LOCATION", re.compile(
        rf"(?<![\w-])(?P<v>{_RU_ADJ}(?:(?:,\s*|\s+и\s+){_RU_ADJ})*)\s+{_RU_ADMIN}"), 0.82),
    RegexRule("ru_market", "LOCATION", re.compile(rf"(?<![\w-]){_RU_ADJ}\s+{_RU_MARKET}"), 0.7),
    RegexRule("ru_settlement", "LOCATION",
              re.compile(rf"(?<![\w-])(?i:{_RU_BEFORE})\s+(?P<v>{_CAP}(?:[ \t]{_CAP})?)"), 0.7, _not_function_word),
    RegexRule("en_place_word", "LOCATION",
              re.compile(rf"(?<![\w-]){_EN_NOT_FIRST}(?P<v>{_CAP}(?:[ \t]{_CAP})?)[ \t]+(?i:{_EN_AFTER})\b"), 0.65, _not_function_word),
    RegexRule("en_place_of", "LOCATION",
              re.compile(rf"(?i:{_EN_BEFORE})\s+(?P<v>{_CAP}(?:[ \t]{_CAP})?)"), 0.7, _not_function_word),
    RegexRule("en_market", "LOCATION",
              re.compile(rf"(?<![\w-]){_CAP}[ \t]+(?i:{_MARKET_EN})\b"), 0.65, _not_function_word),
]


def build(formats: list[CountryFormats], language: str) -> list[EntityRecognizer]:
    """The gazetteer recognizer over every loaded country file's places, and the shape rules."""
    places = [p for cf in formats for p in cf.places]
    return [PlaceGazetteerRecognizer(places, language), RegexRecognizer(RULES, name="place_forms", language=language)]
