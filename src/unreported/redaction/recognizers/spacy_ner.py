"""English NER from the spaCy pipeline Presidio already ran (read from its NLP artifacts).

Mapped to our labels: PERSON; GPE/LOC/FAC -> LOCATION; ORG -> ORGANIZATION.
NORP (nationalities) is not PII for this study; DATE comes from the date patterns.
"""

from __future__ import annotations

from presidio_analyzer import EntityRecognizer, RecognizerResult

from unreported.redaction.recognizers.base import make_result

# spaCy labels, and the Presidio names its NLP engine already converted them to
LABELS = {"PERSON": "PERSON", "PER": "PERSON", "GPE": "LOCATION", "LOC": "LOCATION", "FAC": "LOCATION",
          "LOCATION": "LOCATION", "ORG": "ORGANIZATION", "ORGANIZATION": "ORGANIZATION"}
# spaCy's DATE ("last year", "three months") is not used: durations and relative dates are not
# PII; the date patterns (recognizers/dates.py) find calendar dates, years and weekdays.
SCORES = {"PERSON": 0.85, "LOCATION": 0.8, "ORGANIZATION": 0.6, "DATE": 0.7}


class SpacyNerRecognizer(EntityRecognizer):
    def __init__(self, language: str = "en") -> None:
        super().__init__(supported_entities=sorted(set(LABELS.values())), name="spacy_ner", supported_language=language)

    def load(self) -> None:
        return None

    def analyze(self, text: str, entities: list[str], nlp_artifacts=None) -> list[RecognizerResult]:
        if nlp_artifacts is None:
            return []
        out = []
        for ent in nlp_artifacts.entities:
            label = LABELS.get(ent.label_)
            if label and (not entities or label in entities):
                start, end = ent.start_char, ent.end_char
                # "Aigul's" -> the name without the possessive
                if text[start:end].endswith(("'s", "’s")):
                    end -= 2
                out.append(make_result(label, start, end, SCORES[label], self.name))
        return out
