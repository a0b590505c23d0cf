"""BERTopic over redacted units: one model per language, small-corpus settings, no network.

Why one model per language: the only sentence model that ships offline is English-only, and
vectors from different backends do not share a space, so mixing languages in one clustering
would cluster by language. Languages with too few units for a model of their own are pooled
into one TF-IDF + SVD model. Topic ids are then renumbered across languages (largest first).

Each model: UMAP (every parameter explicit, fixed ``random_state``, one thread) → HDBSCAN
sized for hundreds of units (or KMeans) → ``reduce_outliers`` on embeddings → ``update_topics``
(c-TF-IDF over lemmas minus stop words) → representative quotes nearest each topic's centroid.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from unreported.errors import UnreportedError
from unreported.topics.embed import make_embedder
from unreported.topics.seeds import FactorText
from unreported.topics.text import Analyzer, clean

log = logging.getLogger(__name__)

Mode = Literal["unguided", "guided", "zeroshot"]


class TopicSettings(BaseModel):
    """Every setting that changes the result; all of it goes into the stamp and the manifest."""

    model_config = ConfigDict(extra="forbid")

    seed: int = 42
    mode: Mode = Field(
        default="guided",
        description="guided (codebook seed words; the default: fewest outliers, best factor alignment and every "
        "planted non-codebook theme surfaced on the synthetic corpus), unguided, or zeroshot (factor definitions).",
    )
    clustering: Literal["hdbscan", "kmeans"] = "hdbscan"
    embedding: dict[str, str] = Field(
        default_factory=lambda: {"en": "minilm", "ru": "navec"},
        description="Backend per language; languages not listed use tfidf-svd.",
    )
    min_units_per_language: int = Field(default=40, ge=2, description="Smaller languages are pooled into one tfidf-svd model.")
    umap_n_neighbors: int = 15
    umap_n_components: int = 5
    umap_min_dist: float = 0.0
    umap_metric: str = "cosine"
    hdbscan_min_cluster_size: int | None = Field(default=None, description="None: max(5, n/40).")
    hdbscan_min_samples: int | None = Field(default=None, description="None: max(2, min_cluster_size/2).")
    hdbscan_selection: Literal["eom", "leaf"] = "eom"
    kmeans_n_clusters: int | None = Field(default=None, description="None: round(sqrt(n/2)).")
    outlier_strategy: Literal["embeddings", "c-tf-idf", "distributions"] = "embeddings"
    outlier_threshold: float = Field(default=0.2, description="Units below this similarity to every topic stay outliers (-1).")
    zeroshot_min_similarity: float = 0.45
    top_n_words: int = 10
    ngram_max: int = 2
    quotes_per_topic: int = 3
    quote_chars: int = 240


@dataclass
class TopicInfo:
    topic: int
    lang: str
    size: int
    keywords: list[str]
    quotes: list[tuple[str, str]]  # (unit id, redacted text)
    label: str = ""


@dataclass
class LanguageRun:
    lang: str
    n_units: int
    backend: dict
    mode: str
    mode_note: str
    outliers_before: int
    outliers_after: int
    n_topics: int
    clustering: str = ""


@dataclass
class TopicFit:
    """Per-unit topics (in input order) plus the topic table and what each language model did."""

    ids: list[str]
    topics: list[int]
    labels: list[str]
    info: dict[int, TopicInfo]
    runs: list[LanguageRun] = field(default_factory=list)
    models: dict[str, object] = field(default_factory=dict)

    @property
    def outlier_share(self) -> float:
        return sum(1 for t in self.topics if t == -1) / len(self.topics) if self.topics else 0.0


def _umap(settings: TopicSettings, n: int):
    from umap import UMAP

    n_neighbors = max(2, min(settings.umap_n_neighbors, n - 1))
    n_components = max(2, min(settings.umap_n_components, n - 2))
    return UMAP(
        n_neighbors=n_neighbors, n_components=n_components, min_dist=settings.umap_min_dist,
        metric=settings.umap_metric, random_state=settings.seed, n_jobs=1, low_memory=False,
        init="spectral" if n > n_components + 2 else "random", transform_seed=settings.seed,
    )


def _cluster(settings: TopicSettings, n: int):
    if settings.clustering == "kmeans" or n < 20:
        from sklearn.cluster import KMeans

        k = settings.kmeans_n_clusters or max(1, round(math.sqrt(n / 2)))
        return KMeans(n_clusters=max(1, min(k, n)), random_state=settings.seed, n_init=10)
    from hdbscan import HDBSCAN

    mcs = settings.hdbscan_min_cluster_size or max(5, n // 40)
    ms = settings.hdbscan_min_samples or max(2, mcs // 2)
    return HDBSCAN(min_cluster_size=mcs, min_samples=ms, metric="euclidean",
                   cluster_selection_method=settings.hdbscan_selection, prediction_data=True)


def _vectorizer(lang: str, settings: TopicSettings):
    from sklearn.feature_extraction.text import CountVectorizer

    # fitted on one joined document per topic, so min_df counts topics: keep it at 1
    return CountVectorizer(analyzer=Analyzer(lang, settings.ngram_max), lowercase=False, min_df=1)


def _quotes(idx: np.ndarray, emb: np.ndarray, k: int) -> list[int]:
    """Indices of the ``k`` units nearest the topic's centroid (ties: input order)."""
    sub = emb[idx]
    centroid = sub.mean(axis=0)
    norms = np.linalg.norm(sub, axis=1) * (np.linalg.norm(centroid) or 1.0)
    sims = (sub @ centroid) / np.where(norms == 0, 1.0, norms)
    order = sorted(range(len(idx)), key=lambda i: (-round(float(sims[i]), 9), int(idx[i])))
    return [int(idx[i]) for i in order[:k]]


def _fit_one(lang: str, texts: list[str], backend: str, settings: TopicSettings,
             factors: list[FactorText]) -> tuple[list[int], dict[int, list[str]], np.ndarray, LanguageRun, object]:
    from bertopic import BERTopic
    from bertopic.vectorizers import ClassTfidfTransformer

    docs = [clean(t) or "." for t in texts]
    embedder = make_embedder(backend, lang, settings.seed).fit(docs)
    emb = embedder.embed(docs)
    n = len(docs)

    mode, note, seed_list, zeroshot_list = settings.mode, "", None, None
    if mode == "guided":
        seed_list = [f.seed_words(lang) for f in factors]
        seed_list = [s for s in seed_list if s] or None
        if seed_list is None:
            mode, note = "unguided", f"no seed words for '{lang}' in the codebook"
    elif mode == "zeroshot":
        zeroshot_list = [d for d in (f.description(lang) for f in factors) if d] or None
        if zeroshot_list is None:
            mode, note = "unguided", f"no factor definitions for '{lang}' in the codebook"
    if note:
        log.warning("topics (%s): %s; fitting unguided", lang, note)

    model = BERTopic(
        embedding_model=embedder, umap_model=_umap(settings, n), hdbscan_model=_cluster(settings, n),
        vectorizer_model=_vectorizer(lang, settings),
        ctfidf_model=ClassTfidfTransformer(reduce_frequent_words=True, seed_words=None),
        top_n_words=settings.top_n_words, seed_topic_list=seed_list, zeroshot_topic_list=zeroshot_list,
        zeroshot_min_similarity=settings.zeroshot_min_similarity, calculate_probabilities=False,
        low_memory=False, verbose=False,
    )
    clustering = type(model.hdbscan_model).__name__  # zero-shot replaces it after fitting
    topics, _ = model.fit_transform(docs, embeddings=emb.copy())
    if settings.clustering == "hdbscan" and n >= 20 and all(t == -1 for t in topics):
        log.warning("topics (%s): HDBSCAN found no cluster in %d units; refitting with KMeans", lang, n)
        return _fit_one(lang, texts, backend, settings.model_copy(update={"clustering": "kmeans"}), factors)
    before = sum(1 for t in topics if t == -1)
    if before and len(set(topics) - {-1}) > 0:
        topics = model.reduce_outliers(docs, topics, strategy=settings.outlier_strategy,
                                       embeddings=emb, threshold=settings.outlier_threshold)
    topics = [int(t) for t in topics]
    if len(set(topics) - {-1}) == 0:
        raise UnreportedError(f"topic model for language '{lang}' found no topic in {n} units")
    # BERTopic warns that custom assignments bypass topic reduction; we never reduce afterwards
    # (set here: fit_transform resets the level)
    logging.getLogger("BERTopic").setLevel(logging.ERROR)
    model.update_topics(docs, topics=topics, top_n_words=settings.top_n_words,
                        vectorizer_model=_vectorizer(lang, settings),
                        ctfidf_model=ClassTfidfTransformer(reduce_frequent_words=True))
    keywords = {
        t: [w for w, _ in (model.get_topic(t) or []) if w][: settings.top_n_words]
        for t in sorted(set(topics)) if t != -1
    }
    run = LanguageRun(lang=lang, n_units=n, backend=embedder.describe(), mode=mode, mode_note=note,
                      outliers_before=before, outliers_after=sum(1 for t in topics if t == -1),
                      n_topics=len(keywords), clustering=clustering)
    return topics, keywords, emb, run, model


def fit_topics(ids: list[str], texts: list[str], langs: list[str], settings: TopicSettings,
               factors: list[FactorText] | None = None) -> TopicFit:
    """Fit the topic models and return per-unit topics with global, size-ordered ids."""
    if not (len(ids) == len(texts) == len(langs)):
        raise ValueError("ids, texts and langs differ in length")
    if len(set(ids)) != len(ids):
        raise UnreportedError("unit ids are not unique")
    if len(ids) < 3:
        raise UnreportedError(f"topic modelling needs at least 3 units, got {len(ids)}")
    factors = factors or []

    counts: dict[str, int] = {}
    for lang in langs:
        counts[lang] = counts.get(lang, 0) + 1
    small = sorted(lang for lang, c in counts.items() if c < settings.min_units_per_language)
    pool = "+".join(small)
    if small and len(small) == len(counts):
        pool = small[0] if len(small) == 1 else pool
    groups: dict[str, list[int]] = {}
    for i, lang in enumerate(langs):
        key = pool if lang in small else lang
        groups.setdefault(key, []).append(i)

    local: list[tuple[str, int, list[int]]] = []  # (group key, local topic, unit indices)
    kw: dict[tuple[str, int], list[str]] = {}
    embs: dict[str, np.ndarray] = {}
    fit = TopicFit(ids=list(ids), topics=[-1] * len(ids), labels=[""] * len(ids), info={})
    for key in sorted(groups, key=lambda k: (-len(groups[k]), k)):
        idx = groups[key]
        backend = settings.embedding.get(key, "tfidf-svd") if "+" not in key else "tfidf-svd"
        topics, keywords, emb, run, model = _fit_one(key, [texts[i] for i in idx], backend, settings, factors)
        run.lang = key
        fit.runs.append(run)
        fit.models[key] = model
        embs[key] = emb
        for t, words_ in keywords.items():
            members = [j for j, tt in enumerate(topics) if tt == t]
            local.append((key, t, members))
            kw[(key, t)] = words_
        for j, t in enumerate(topics):
            if t == -1:
                fit.topics[idx[j]] = -1

    order = sorted(local, key=lambda x: (-len(x[2]), min(groups[x[0]][j] for j in x[2])))
    multi = len(groups) > 1
    for gid, (key, t, members) in enumerate(order):
        idx = groups[key]
        words_ = kw[(key, t)]
        label = "_".join([str(gid)] + ([key] if multi else []) + [w.replace(" ", "-") for w in words_[:3]])
        qi = _quotes(np.array(members), embs[key], settings.quotes_per_topic)
        quotes = [(ids[idx[j]], _shorten(clean_quote(texts[idx[j]]), settings.quote_chars)) for j in qi]
        fit.info[gid] = TopicInfo(topic=gid, lang=key, size=len(members), keywords=words_, quotes=quotes, label=label)
        for j in members:
            fit.topics[idx[j]] = gid
            fit.labels[idx[j]] = label
    for i, t in enumerate(fit.topics):
        if t == -1:
            fit.labels[i] = "-1_outlier"
    return fit


def clean_quote(text: str) -> str:
    """Redacted text on one line (placeholders kept: they show where redaction happened)."""
    return " ".join(text.split())


def _shorten(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return cut + " …"
