"""Text preparation shared by the embedders and the keyword vectorizer.

Redacted units carry placeholders such as ``[PERSON]``; they say nothing about a theme and
would otherwise top every keyword list, so they are removed before embedding and counting.
Keywords are counted on lemmas where a lemmatiser ships (Russian: pymorphy3), so that
``долг``/``долга``/``долги`` count as one word; Kyrgyz has no shipped lemmatiser and is
counted on word forms with a longer stop-word list of frequent inflected forms.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

from unreported.redaction.store import PLACEHOLDER_RE

_WORD_RE = re.compile(r"[^\W\d_](?:[^\W\d_]|['’-](?=[^\W\d_]))+", re.UNICODE)
_SPACE_RE = re.compile(r"\s+")

#: Languages with a stop-word list in ``unreported/data/stopwords``.
STOPWORD_LANGUAGES = ("en", "ru", "ky")


def clean(text: str) -> str:
    """Drop redaction placeholders (``[PERSON]``, ``[PERSON_07]``) and collapse white space."""
    return _SPACE_RE.sub(" ", PLACEHOLDER_RE.sub(" ", text)).strip()


def words(text: str) -> list[str]:
    """Lower-cased word tokens (letters only, inner apostrophes and hyphens kept)."""
    return [w.lower().replace("’", "'") for w in _WORD_RE.findall(text)]


@lru_cache(maxsize=None)
def stopwords(lang: str) -> frozenset[str]:
    """The stop-word list for ``lang`` (empty for a language without a list)."""
    if lang not in STOPWORD_LANGUAGES:
        return frozenset()
    data = resources.files("unreported") / "data" / "stopwords" / f"{lang}.txt"
    lines = data.read_text(encoding="utf-8").splitlines()
    return frozenset(s.strip().lower() for s in lines if s.strip() and not s.lstrip().startswith("#"))


@lru_cache(maxsize=1)
def _morph():  # pragma: no cover - trivial loader
    import pymorphy3

    return pymorphy3.MorphAnalyzer()


@lru_cache(maxsize=200_000)
def _ru_lemma(word: str) -> str:
    return _morph().parse(word)[0].normal_form.replace("ё", "е")


def lemma(word: str, lang: str) -> str:
    return _ru_lemma(word) if lang == "ru" else word


class Tokenizer:
    """Content-word tokenizer for one language: lemmas (where available) minus stop words.

    ``lang`` may name a pool such as ``ru+ky``: stop words of each, no lemmatiser.

    A class rather than a closure so that scikit-learn vectorizers holding it stay picklable.
    """

    def __init__(self, lang: str, min_len: int = 3) -> None:
        self.lang = lang
        self.min_len = min_len

    def _content(self, text: str) -> list[str | None]:
        """Lemmas in text order, ``None`` where a stop word or short word was dropped."""
        stop = frozenset().union(*(stopwords(lang) for lang in self.lang.split("+")))
        out: list[str | None] = []
        for w in words(text):
            lem = None if (w in stop or len(w) < self.min_len) else lemma(w, self.lang)
            out.append(None if lem is None or lem in stop or len(lem) < self.min_len else lem)
        return out

    def __call__(self, text: str) -> list[str]:
        return [w for w in self._content(text) if w is not None]


class Analyzer(Tokenizer):
    """Unigrams plus bigrams of words that were adjacent in the text (no stop word between),
    so that "forged passport" is a keyword but "family ... ashamed" is not."""

    def __init__(self, lang: str, ngram_max: int = 2, min_len: int = 3) -> None:
        super().__init__(lang, min_len)
        self.ngram_max = ngram_max

    def __call__(self, text: str) -> list[str]:
        seq = self._content(text)
        grams = [w for w in seq if w is not None]
        for n in range(2, self.ngram_max + 1):
            for i in range(len(seq) - n + 1):
                window = seq[i : i + n]
                if all(w is not None for w in window) and len(set(window)) == n:
                    grams.append(" ".join(window))
        return grams
