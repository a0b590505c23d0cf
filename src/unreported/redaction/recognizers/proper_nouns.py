"""English proper nouns no NER label claimed: a de-identification fallback.

The small spaCy model misses many unfamiliar names of people, firms and small places, but
its tagger still marks them PROPN. A capitalised PROPN token (or run of them) outside any
entity spaCy labelled as something else (nationalities, languages, events, laws, dates...),
and not a month, weekday, country or stop word, is redacted with a low score as an
ORGANIZATION (the label is a guess; the text is gone either way).
"""

from __future__ import annotations

from presidio_analyzer import EntityRecognizer, RecognizerResult

from unreported.redaction.recognizers.base import make_result

_NOT_PII = {"NORP", "LANGUAGE", "EVENT", "LAW", "WORK_OF_ART", "PRODUCT", "MONEY", "PERCENT", "QUANTITY", "CARDINAL",
            "ORDINAL", "TIME", "NRP"}
_CALENDAR = {"january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november",
             "december", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "god", "allah",
             "internet", "covid", "ok", "okay", "mr", "mrs", "ms", "dr", "miss", "sir", "madam"}


class ProperNounRecognizer(EntityRecognizer):
    def __init__(self, allow: set[str], language: str = "en") -> None:
        self.allow = {a.lower() for a in allow}
        super().__init__(supported_entities=["ORGANIZATION"], name="proper_noun", supported_language=language)

    def load(self) -> None:
        return None

    def analyze(self, text: str, entities: list[str], nlp_artifacts=None) -> list[RecognizerResult]:
        if nlp_artifacts is None or nlp_artifacts.tokens is None or (entities and "ORGANIZATION" not in entities):
            return []
        from unreported.redaction.engine import is_country
        from unreported.redaction.recognizers.gazetteer_names import stop_words

        stop = stop_words()
        out = []
        run: list = []
        for tok in list(nlp_artifacts.tokens) + [None]:
            ok = (
                tok is not None
                and tok.pos_ == "PROPN"
                and tok.text[:1].isupper()
                and (len(tok.text) > 1 or bool(run))  # a middle initial ('Szabina J Gelencsér') inside a run
                and tok.ent_type_ not in _NOT_PII
                and tok.lower_ not in stop
                and tok.lower_ not in _CALENDAR
                and tok.lower_ not in self.allow
                and not is_country(tok.text)
            )
            if ok:
                run.append(tok)
                continue
            while run and len(run[-1].text) == 1:  # an initial only counts between two names
                run.pop()
            if run:
                start, end = run[0].idx, run[-1].idx + len(run[-1].text)
                out.append(make_result("ORGANIZATION", start, end, 0.45, self.name))
                run = []
        return out
