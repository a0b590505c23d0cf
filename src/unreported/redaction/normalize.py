"""One normal form for names in any script, shared by the gazetteer, pseudonyms and the leak check.

'Aigul', 'Aygül', 'Айгуль' and 'Айгүл' must be the same name, so a name's *key* is a
deliberately lossy Latin skeleton: Cyrillic (Russian, Kyrgyz, Kazakh letters) is
transliterated, Turkish/Latin diacritics are folded, and the spelling choices that
transliteration systems disagree on (zh/j/dj, kh/h, y/i, yu/iu, doubled letters) are
collapsed. Inflection is stripped separately (:func:`strip_inflection`).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_CYR = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "j", "з": "z",
    "и": "i", "й": "i", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r",
    "с": "s", "т": "t", "у": "u", "ф": "f", "х": "h", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "sh",
    "ъ": "", "ы": "i", "ь": "", "э": "e", "ю": "iu", "я": "ia", "ө": "o", "ү": "u", "ң": "n",
    "ә": "a", "ғ": "g", "қ": "k", "ұ": "u", "һ": "h", "і": "i", "ӣ": "i", "ӯ": "u", "ҳ": "h",
    "ҷ": "j",
}
_LATIN_PRE = {"ş": "sh", "ç": "ch", "ğ": "g", "ı": "i", "ñ": "n", "ŋ": "n", "ä": "a", "'": "", "’": "", "ʼ": ""}
_LATIN_RULES = (
    ("dzh", "j"), ("dj", "j"), ("zh", "j"), ("kh", "h"), ("x", "h"), ("q", "k"), ("w", "v"),
    ("y", "i"), ("ie", "e"), ("ee", "i"), ("ou", "u"),
)
_DOUBLE = re.compile(r"(.)\1+")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")


def is_cyrillic(text: str) -> bool:
    return bool(_CYRILLIC.search(text))


def to_latin(text: str) -> str:
    """A plain Latin transliteration (lower case) of Cyrillic text; Latin text is only lower-cased."""
    return "".join(_CYR.get(c, c) for c in text.lower())


@lru_cache(maxsize=200_000)
def name_key(word: str) -> str:
    """The lossy skeleton under which every spelling of a name agrees ('' for non-letters)."""
    s = to_latin(word)
    s = "".join(_LATIN_PRE.get(c, c) for c in s)
    s = "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c))
    s = re.sub(r"[^a-z]", "", s)
    for a, b in _LATIN_RULES:
        s = s.replace(a, b)
    return _DOUBLE.sub(r"\1", s)


# Inflection: Russian case endings, Kyrgyz/Kazakh case and possessive suffixes, English 's.
# Longest first; a stem must keep at least three letters.
_SUFFIXES = tuple(
    sorted(
        {
            # English possessive
            "'s", "’s", "s'", "'", "’",
            # Russian nominal endings (names)
            "ой", "ей", "ою", "ею", "ом", "ем", "ам", "ям", "ами", "ями", "ах", "ях", "ы", "и", "у", "ю",
            "а", "я", "е", "ым", "им", "ого", "его", "ому", "ему", "ую",
            # Kyrgyz / Kazakh case suffixes (genitive, dative, accusative, locative, ablative, instrumental)
            "дын", "дин", "дун", "дүн", "тын", "тин", "тун", "түн", "нын", "нин", "нун", "нүн",
            "га", "ге", "ка", "ке", "го", "гө", "ко", "кө", "на", "не", "а", "е",
            "ды", "ди", "ду", "дү", "ты", "ти", "ту", "тү", "ны", "ни", "ну", "нү",
            "да", "де", "до", "дө", "та", "те", "то", "тө",
            "дан", "ден", "дон", "дөн", "тан", "тен", "тон", "төн", "нан", "нен", "нон", "нөн",
            "менен", "мен", "пен", "бен",
            "дың", "дің", "тың", "тің", "ның", "нің", "ға", "ге", "қа", "ке", "ды", "ді", "ты", "ті",
            # Kazakh locative-attributive ('Алматыдағы' = the one in Almaty) and case after a possessive
            "дағы", "дегі", "тағы", "тегі", "ндағы", "ндегі", "нда", "нде", "ына", "іне", "ын", "ін", "ні",
            # Kyrgyz possessive / plural-of-respect
            "лар", "лер", "лор", "лөр", "дар", "дер", "дор", "дөр", "тар", "тер", "тор", "төр",
            "ым", "им", "ум", "үм", "ың", "иң", "уң", "үң", "сы", "си", "су", "сү",
            "ке", "эже", "байке", "эжеке",
            # Latin-script Kyrgyz/Kazakh/Uzbek suffixes and the feminine surname ending
            "a", "ning", "nin", "dyn", "din", "ga", "ge", "ka", "ke", "ny", "ni", "da", "de", "dan", "den",
            "ning", "ni", "dan", "ga", "lar", "ler",
        },
        key=len,
        reverse=True,
    )
)


def strip_inflection(word: str, known: frozenset[str] | set[str] | None = None) -> list[str]:
    """Candidate base forms of an inflected name, most specific first (the word itself included).

    With ``known`` (a set of name keys) only candidates whose key is known are returned, so a
    suffix is stripped only when what remains is a name.
    """
    out = [word]
    low = word.lower()
    for suf in _SUFFIXES:
        if low.endswith(suf) and len(low) - len(suf) >= 3:
            out.append(word[: len(word) - len(suf)])
            # Russian soft-sign names: Айгулю → Айгуль, Айгулем → Айгуль
            if is_cyrillic(word) and suf in ("ю", "ем", "я", "е", "и"):
                out.append(word[: len(word) - len(suf)] + "ь")
            if is_cyrillic(word) and suf in ("и", "ы", "е", "у", "ой", "ей", "ю"):
                out.append(word[: len(word) - len(suf)] + "а")
                out.append(word[: len(word) - len(suf)] + "я")
    seen: dict[str, None] = {}
    for cand in out:
        seen.setdefault(cand, None)
    cands = list(seen)
    if known is not None:
        cands = [c for c in cands if name_key(c) in known]
    return cands
