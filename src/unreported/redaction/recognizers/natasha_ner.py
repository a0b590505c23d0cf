"""Russian NER (natasha / slovnet, bundled news model) as a Presidio recognizer.

Also run on Kyrgyz text: Kyrgyz names and places in Cyrillic look enough like Russian ones
for the model to find many of them; the gazetteer and morphology recognizers add the rest.
The model is loaded once per process.
"""

from __future__ import annotations

import re
from functools import lru_cache

from presidio_analyzer import EntityRecognizer, RecognizerResult

from unreported.redaction.recognizers.base import make_result

LABELS = {"PER": "PERSON", "LOC": "LOCATION", "ORG": "ORGANIZATION"}
_WORD = re.compile(r"[^\W\d_][\w'’-]*")
SCORES = {"PER": 0.85, "LOC": 0.8, "ORG": 0.7}


@lru_cache(maxsize=1)
def _models():
    from natasha import Doc, NewsEmbedding, NewsNERTagger, Segmenter

    emb = NewsEmbedding()
    return Doc, Segmenter(), NewsNERTagger(emb)


class NatashaNerRecognizer(EntityRecognizer):
    def __init__(self, language: str = "ru", cues: list[str] = ()) -> None:
        self.cues = {c.lower() for c in cues}
        super().__init__(supported_entities=sorted(LABELS.values()), name="natasha_ner", supported_language=language)

    def load(self) -> None:
        return None

    def analyze(self, text: str, entities: list[str], nlp_artifacts=None) -> list[RecognizerResult]:
        Doc, segmenter, tagger = _models()
        doc = Doc(text)
        doc.segment(segmenter)
        doc.tag_ner(tagger)
        out = []
        for span in doc.spans:
            label = LABELS.get(span.type)
            if label and (not entities or label in entities):
                start, stop = self._trim_edges(text, span.start, span.stop)
                if stop <= start:
                    continue
                score = SCORES[span.type]
                out.append(make_result(label, start, stop, score, self.name))
        return out

    def _trim_edges(self, text: str, start: int, stop: int) -> tuple[int, int]:
        """Drop edge words that are function words, kinship cues or countries (the model, trained on
        Russian news, lets Kyrgyz spans run over them)."""
        from unreported.redaction.engine import is_country
        from unreported.redaction.recognizers.gazetteer_names import stop_words

        words = [(m.start() + start, m.end() + start) for m in _WORD.finditer(text[start:stop])]

        def bad(s: int, e: int) -> bool:
            w = text[s:e].lower()
            return w in stop_words() or w in self.cues or is_country(text[s:e]) or not text[s].isupper()

        runs: list[list[tuple[int, int]]] = [[]]
        for w in words:
            if bad(*w):
                runs.append([])
            else:
                runs[-1].append(w)
        best = max(reversed(runs), key=len)
        from unreported.redaction.engine import common_word

        # a common word opening a sentence before a name ('Сотто Асанов' = in court Asanov)
        while len(best) > 1 and common_word(text[best[0][0]:best[0][1]], self.supported_language):
            best = best[1:]
        return (best[0][0], best[-1][1]) if best else (start, start)
