"""Names in every spelling: natasha's Russian name dictionaries plus curated Central Asian lists.

Entries are stored under their :func:`~unreported.redaction.normalize.name_key`, so one
Cyrillic entry matches every Latin transliteration ('Жыргал' = Zhyrgal = Jyrgal = Dzhyrgal)
and inflected forms are reduced with :func:`~unreported.redaction.normalize.strip_inflection`.
:func:`latin_variants` spells out the transliterations (for reports and the leak check).
natasha's surname list is large and noisy (it contains common words), so only entries with
a surname ending are kept from it.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from unreported.config import load_yaml_model
from unreported.redaction.normalize import name_key, strip_inflection

SURNAME_ENDINGS = re.compile(
    r"(?:ов|ова|ев|ева|ёв|ёва|ин|ина|ын|ына|ский|ская|цкий|цкая|беков|бекова|баев|баева|уулу|кызы|улы|ұлы|қызы)$"
)
LATIN_SURNAME_ENDINGS = re.compile(r"(?:ov|ova|ev|eva|yev|yeva|in|ina|sky|skaya|bekov|bekova|uulu|kyzy|uly|kyzi|qizi)$")


class NameList(BaseModel):
    """A gazetteer file (``redaction/names.yml``)."""

    model_config = ConfigDict(extra="forbid")

    first_names: dict[str, list[str]] = Field(default_factory=dict)
    surname_stems: list[str] = Field(default_factory=list)


@dataclass
class Gazetteer:
    first: set[str] = field(default_factory=set)
    last: set[str] = field(default_factory=set)
    ambiguous: set[str] = field(default_factory=set)
    # the policy's lists per text language: 'Мээрим' (kindness) is a word in Kyrgyz text, only a
    # name in English; words in every language's list (natasha's 'maybe' names) are in ``common``
    by_language: dict[str, set[str]] = field(default_factory=dict)
    common: set[str] = field(default_factory=set)
    # first names from the policy's curated lists (names.yml), not natasha's noisy dictionary
    curated: set[str] = field(default_factory=set)

    def base_key(self, word: str) -> str | None:
        """The key of the name ``word`` is a form of (inflection stripped), or None."""
        for cand in strip_inflection(word):
            k = name_key(cand)
            if k in self.first or k in self.last:
                return k
        return None

    def is_first(self, word: str) -> bool:
        return any(name_key(c) in self.first for c in strip_inflection(word))

    def is_curated_first(self, word: str) -> bool:
        return any(name_key(c) in self.curated for c in strip_inflection(word))

    def is_last(self, word: str) -> bool:
        return any(name_key(c) in self.last for c in strip_inflection(word))

    def is_ambiguous(self, word: str, language: str | None = None, curated: bool = False) -> bool:
        """A name that is also a common word; with ``language``, a word of that language (Kyrgyz
        text also borrows Russian words), else of any; ``curated``: only the policy's lists, not
        natasha's long 'maybe' list."""
        keys = {name_key(c) for c in strip_inflection(word)}
        if language is None or not self.by_language:
            return bool(keys & self.ambiguous)
        # Kazakh shares most of these words with Kyrgyz ('Бақыт' = 'Бакыт' = happiness)
        langs = {"ky": ("ky", "ru"), "kk": ("kk", "ky", "ru"), "uz": ("ky", "ru"), "tg": ("ky", "ru")}.get(language, (language,))
        return ((not curated and bool(keys & self.common))
                or any(keys & self.by_language.get(lang, set()) for lang in langs))


def _natasha_dict_dir() -> Path:
    import natasha

    return Path(natasha.__file__).parent / "data" / "dict"


def _read_words(path: Path) -> list[str]:
    out = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            w = line.split("#", 1)[0].strip()
            if w:
                out.append(w)
    return out


@lru_cache(maxsize=4)
def _natasha_sets() -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    d = _natasha_dict_dir()
    maybe = frozenset(name_key(w) for w in _read_words(d / "maybe_first.txt"))
    first = frozenset(name_key(w) for w in _read_words(d / "first.txt") if len(w) >= 3) - maybe
    last = frozenset(name_key(w) for w in _read_words(d / "last.txt") if len(w) >= 5 and SURNAME_ENDINGS.search(w))
    return first, last, maybe


def load_gazetteer(extra_files: list[Path] = (), ambiguous: list[str] = (),
                   ambiguous_by_language: dict[str, list[str]] | None = None) -> Gazetteer:
    """natasha's dictionaries plus the policy's name lists; ``ambiguous`` names (and those of
    ``ambiguous_by_language``, per text language) need context."""
    first, last, maybe = _natasha_sets()
    by_lang = {lang: {name_key(w) for w in words} for lang, words in (ambiguous_by_language or {}).items()}
    every = {name_key(w) for w in ambiguous}.union(*by_lang.values())
    g = Gazetteer(first=set(first), last=set(last), ambiguous=every | set(maybe), by_language=by_lang,
                  common={name_key(w) for w in ambiguous} | set(maybe))
    for path in extra_files:
        names = load_yaml_model(Path(path), NameList)
        for words in names.first_names.values():
            g.first.update(name_key(w) for w in words)
            g.curated.update(name_key(w) for w in words)
        for stem in names.surname_stems:
            base = name_key(re.sub(r"(ов|ев)$", "", stem))
            g.last.update({base + "ov", base + "ova", base + "ev", base + "eva", base + " uulu", base + " kizi"})
            g.first.add(base)
    g.first.discard("")
    return g


_LATIN_OPTIONS = {
    "ж": ("zh", "j", "dzh"), "й": ("y", "i", "j"), "х": ("kh", "h"), "ы": ("y", "i"), "ү": ("u", "ü", "ue"),
    "ө": ("o", "ö", "oe"), "ң": ("ng", "n"), "ю": ("yu", "iu", "ju"), "я": ("ya", "ia", "ja"),
    "ё": ("yo", "e"), "е": ("e", "ye"), "ц": ("ts", "c"), "щ": ("shch", "sch"), "ь": ("", "'"), "ъ": ("",),
}


def latin_variants(cyrillic: str, limit: int = 32) -> list[str]:
    """Common Latin spellings of a Cyrillic name (first ``limit`` combinations, capitalised)."""
    from unreported.redaction.normalize import to_latin

    options = [_LATIN_OPTIONS.get(c, (to_latin(c),)) for c in cyrillic.lower()]
    out = []
    for combo in itertools.islice(itertools.product(*options), limit):
        s = "".join(combo)
        out.append(s[:1].upper() + s[1:])
    return out
