"""The supervised part of the auto-coder: one logistic regression per factor, trained on
human-coded units and scored only by cross-validation grouped by transcript.

Why grouped: turns of one interview share a speaker, a story and phrasings; a split that puts
one transcript on both sides measures memory, not coding. Thresholds are part of the model, so
the reported κ comes from nested cross-validation: each outer fold's thresholds are chosen on
out-of-fold scores of its own training transcripts only.

Features: word and character n-gram TF-IDF (character n-grams carry Russian and Kyrgyz
morphology without a lemmatiser), the codebook's lexicon hits (per pattern and per factor),
the lexicon hits again where the unit or the interviewer's question before it speaks of
reporting (a factor is a reason for not reporting, so that frame matters), the embedding
similarities to each factor and the mean sentence embedding.

Length: the gold units are long (about 380 characters, six sentences) while the answers the
coder meets in use are often a sentence or two, and a model trained on long units only learns
that a code comes with many cues; on short answers its probabilities fall under the thresholds
(held-out recall 0.3). So each training unit also contributes its sentence windows
(``sentence_windows``, about the length of a short answer) as extra rows with the unit's codes
at half weight: a window usually carries the unit's codes, but not always. They enter only the
fit, never the scoring, and a fold's windows come from its training transcripts only.

Anchors: the codebook's anchor examples (up to four per factor and language) are labelled
examples written by the codebook's authors, in every language of the codebook, so they also
enter the fit (``Anchors``, at ANCHOR_WEIGHT). They matter most where few units of a language
are coded. Measured in the coding stage (grouped nested CV on the gold) and on the held-out set
(tests/test_coding_heldout.py): with two or three anchors each, macro κ 0.629 → 0.645 and
0.496 → 0.508 (held-out F7 0.35 → 0.52), on the author's gold before it was double-coded and
adjudicated (corpus/synthetic/README.md); on the adjudicated gold, four instead of two or three
each: 0.616 → 0.604 and 0.538 → 0.553 (held-out en 0.59 → 0.61, ky 0.39 → 0.42).

Coded examples: the study's own labelled answers beside its transcripts (``coding_examples`` in
study.yml, unreported.coding.examples), with any number of codes including none, enter the fit
the same way (``ExtraRows``, at EXAMPLE_WEIGHT) and never a test fold. A corpus with no coded
units yet is coded by a model fitted on the anchors and examples alone (the unit rows of
``fit`` then carry their weights; ``AutoCoder.train_on_examples``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import cohen_kappa_score

from unreported.coding.lexicon import split_sentences
from unreported.redaction.store import unnumbered

THRESHOLD_GRID = tuple(round(x, 2) for x in np.arange(0.10, 0.91, 0.05))
#: Sentence windows of a training unit are merged up to this many characters (a short answer).
WINDOW_CHARS = 220
#: Weight of a window row against a whole unit's: its inherited codes are less certain. In grouped
#: nested CV on the pre-adjudication gold, macro κ 0.63 at 0.5, 0.62 at 0.25 and at 1.0, 0.61 with
#: units only.
WINDOW_WEIGHT = 0.5
#: Weight of a codebook anchor example against a unit's. On whole pre-adjudication gold turns
#: (nested CV / held-out macro κ): none 0.612 / 0.491, 1 → 0.643 / 0.500, 2 → 0.644 / 0.497,
#: 4 → 0.646 / 0.521: flat within noise from 1 up. Scaling the lexicon features up instead did not
#: carry to the held-out set.
ANCHOR_WEIGHT = 2.0
#: Weight of a coded example (``coding_examples``) against a unit's (grouped nested CV / held-out
#: macro κ; no examples: 0.604 / 0.553). 210 per language: 0.5 → 0.611 / 0.592, 1 → 0.631 / 0.594,
#: 2 → 0.618 / 0.583; 420 per language: 0.5 → 0.627 / 0.633, 1 → 0.618 / 0.640; the bundled 630
#: at 1: 0.640 / 0.700 (coding/examples/README.md).
EXAMPLE_WEIGHT = 1.0


def sentence_windows(text: str, limit: int = WINDOW_CHARS) -> list[tuple[int, int]]:
    """Consecutive sentences merged greedily up to ``limit`` characters; [] for a text that is
    one window already (it would only repeat its unit)."""
    windows: list[tuple[int, int]] = []
    for s, e in split_sentences(text):
        if windows and e - windows[-1][0] <= limit:
            windows[-1] = (windows[-1][0], e)
        else:
            windows.append((s, e))
    return windows if len(windows) > 1 else []


@dataclass
class Features:
    """Everything the scorers computed for a list of units (rows aligned with ``ids``)."""

    ids: list[str]
    texts: list[str]
    langs: list[str]
    lex_counts: np.ndarray  # n × k, distinct non-negated pattern hits per factor
    lex_patterns: sparse.csr_matrix  # n × p, 1 where a pattern matched (not negated)
    emb_sims: np.ndarray  # n × k
    emb_means: np.ndarray  # n × d
    cues: np.ndarray  # n × 2, 1 where the unit / the question it answers speaks of reporting
    extra: dict = field(default_factory=dict)
    windows: Features | None = None  # sentence windows of these units, extra training rows
    window_of: np.ndarray | None = None  # per window, the row of its unit

    def take(self, idx: Sequence[int]) -> Features:
        """The rows ``idx``, with the sentence windows of exactly those units."""
        idx = np.asarray(idx, dtype=int)
        windows = window_of = None
        if self.windows is not None and self.window_of is not None:
            new_row = {int(i): r for r, i in enumerate(idx)}
            keep = [w for w, i in enumerate(self.window_of) if int(i) in new_row]
            windows = self.windows.take(keep)
            window_of = np.array([new_row[int(self.window_of[w])] for w in keep], dtype=int)
        return Features(
            ids=[self.ids[i] for i in idx],
            texts=[self.texts[i] for i in idx],
            langs=[self.langs[i] for i in idx],
            lex_counts=self.lex_counts[idx],
            lex_patterns=self.lex_patterns[idx],
            emb_sims=self.emb_sims[idx],
            emb_means=self.emb_means[idx],
            cues=self.cues[idx],
            windows=windows,
            window_of=window_of,
        )


@dataclass
class ExtraRows:
    """Labelled rows that are not units (the codebook's anchors, coded examples), each with its
    weight: extra training rows, never scored."""

    features: Features
    Y: np.ndarray
    weight: np.ndarray


class SupervisedModel:
    """Per-factor logistic regressions over text n-grams, lexicon and embedding features."""

    def __init__(self, codes: Sequence[str], *, seed: int = 0, C: float = 2.0, mean_weight: float = 1.0) -> None:
        self.codes = list(codes)
        self.mean_weight = mean_weight
        self.seed = seed
        self.C = C
        self.models: list[LogisticRegression | float] = []

    def _vectorizers(self, n_docs: int) -> tuple[TfidfVectorizer, TfidfVectorizer]:
        min_df = 2 if n_docs >= 20 else 1  # tiny training sets keep every n-gram
        # min_df=2 drops n-grams of a single unit (names, one-off phrasings) that cannot generalise;
        # char_wb 2–5 keeps short Russian/Kyrgyz suffixes. Chosen by grouped nested CV on the gold.
        word = TfidfVectorizer(analyzer="word", ngram_range=(1, 2), sublinear_tf=True, lowercase=True, token_pattern=r"(?u)\b\w+\b", min_df=min_df)
        char = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, lowercase=True, max_features=60000, min_df=min_df)
        return word, char

    def _design(self, f: Features, fit: bool) -> sparse.csr_matrix:
        texts = [unnumbered(t) for t in f.texts]
        if fit:
            self.word, self.char = self._vectorizers(len(texts))
            W = self.word.fit_transform(texts)
            Ch = self.char.fit_transform(texts)
            for v in (self.word, self.char):  # keeps the pickled model free of hash-ordered sets
                if hasattr(v, "stop_words_"):
                    v.stop_words_ = None
        else:
            W = self.word.transform(texts)
            Ch = self.char.transform(texts)
        from unreported.coding.autocode import embedding_part

        lex = np.minimum(f.lex_counts, 3) / 3.0
        # factor cues in the frame of reporting (in the unit or in the question) as their own features:
        # +0.05 macro κ in grouped nested CV on the gold, most for Russian and Kyrgyz
        framed = [lex * f.cues[:, [j]] for j in range(f.cues.shape[1])]
        dense = np.hstack([lex, *framed, f.cues, embedding_part(f), f.emb_means * self.mean_weight])
        return sparse.hstack([W, Ch, f.lex_patterns, sparse.csr_matrix(dense)]).tocsr()

    def fit(self, f: Features, Y: np.ndarray, extra: ExtraRows | None = None, *, weight: np.ndarray | None = None) -> SupervisedModel:
        """Fit on the units of ``f`` (at ``weight``, default 1) and, where given, their sentence
        windows and ``extra`` rows.

        The vocabulary comes from the units only: a window repeats its unit's words, so fitting
        on both would let ``min_df`` keep n-grams of a single unit."""
        parts, labels = [self._design(f, fit=True)], [Y]
        weights = [np.ones(len(Y)) if weight is None else np.asarray(weight, dtype=float)]
        if f.windows is not None and f.window_of is not None and len(f.window_of):
            parts.append(self._design(f.windows, fit=False))
            labels.append(Y[f.window_of])
            weights.append(np.full(len(f.window_of), WINDOW_WEIGHT))
        if extra is not None and len(extra.Y):
            parts.append(self._design(extra.features, fit=False))
            labels.append(extra.Y)
            weights.append(extra.weight)
        X = sparse.vstack(parts).tocsr()
        Y, weight = np.vstack(labels), np.concatenate(weights)
        self.models = []
        for k in range(len(self.codes)):
            y = Y[:, k]
            if y.min() == y.max():  # a factor never (or always) coded here: a constant
                self.models.append(float(y[0]))
                continue
            m = LogisticRegression(C=self.C, class_weight="balanced", solver="liblinear", max_iter=2000, random_state=self.seed)
            m.fit(X, y, sample_weight=weight)
            self.models.append(m)
        return self

    def predict_proba(self, f: Features) -> np.ndarray:
        X = self._design(f, fit=False)
        out = np.zeros((X.shape[0], len(self.codes)))
        for k, m in enumerate(self.models):
            out[:, k] = m if isinstance(m, float) else m.predict_proba(X)[:, 1]
        return out


def kappa(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """Cohen's κ for one binary code; 1.0 when both coders agree on a constant, else 0 if undefined."""
    y_true, y_pred = np.asarray(y_true).astype(int), np.asarray(y_pred).astype(int)
    if y_true.min() == y_true.max() == y_pred.min() == y_pred.max():
        return 1.0
    k = cohen_kappa_score(y_true, y_pred)
    return 0.0 if np.isnan(k) else float(k)


def choose_thresholds(scores: np.ndarray, Y: np.ndarray, grid: Sequence[float] = THRESHOLD_GRID) -> tuple[list[float], list[list[tuple[float, float]]]]:
    """Per factor, the threshold with the highest κ (ties: nearest 0.5); also the κ curve."""
    thresholds, curves = [], []
    for k in range(Y.shape[1]):
        curve = [(float(t), kappa(Y[:, k], scores[:, k] >= t)) for t in grid]
        best = max(curve, key=lambda tk: (round(tk[1], 6), -abs(tk[0] - 0.5)))
        thresholds.append(best[0])
        curves.append(curve)
    return thresholds, curves


def grouped_folds(groups: Sequence[str], n_splits: int) -> list[tuple[np.ndarray, np.ndarray]]:
    uniq = sorted(set(groups))
    n = min(n_splits, len(uniq))
    if n < 2:
        raise ValueError("cross-validation needs human-coded units from at least two transcripts")
    # deterministic: transcripts dealt round-robin in sorted order
    fold_of = {g: i % n for i, g in enumerate(uniq)}
    folds = []
    g = np.array([fold_of[x] for x in groups])
    for i in range(n):
        folds.append((np.where(g != i)[0], np.where(g == i)[0]))
    return folds


ScoreFn = Callable[[Features, np.ndarray, Features], np.ndarray]


def supervised_score_fn(codes: Sequence[str], seed: int, extra: ExtraRows | None = None) -> ScoreFn:
    def fn(train: Features, Y: np.ndarray, test: Features) -> np.ndarray:
        return SupervisedModel(codes, seed=seed).fit(train, Y, extra).predict_proba(test)

    return fn


@dataclass
class CVResult:
    oof_scores: np.ndarray
    oof_pred: np.ndarray
    fold_thresholds: list[list[float]]
    n_folds: int


def nested_cv(f: Features, Y: np.ndarray, groups: Sequence[str], score_fn: ScoreFn, *, n_splits: int = 5, inner_splits: int = 4, progress=None) -> CVResult:
    """Out-of-fold scores and decisions; each fold's thresholds come from its training part only."""
    folds = grouped_folds(groups, n_splits)
    scores = np.zeros(Y.shape, dtype=float)
    pred = np.zeros(Y.shape, dtype=int)
    fold_thresholds = []
    for train, test in folds:
        train_groups = [groups[i] for i in train]
        inner = np.zeros((len(train), Y.shape[1]))
        for itr, ite in grouped_folds(train_groups, inner_splits):
            inner[ite] = score_fn(f.take(train[itr]), Y[train[itr]], f.take(train[ite]))
        th, _ = choose_thresholds(inner, Y[train])
        s = score_fn(f.take(train), Y[train], f.take(test))
        scores[test] = s
        pred[test] = (s >= np.array(th)).astype(int)
        fold_thresholds.append(th)
        if progress is not None:
            progress()
    return CVResult(oof_scores=scores, oof_pred=pred, fold_thresholds=fold_thresholds, n_folds=len(folds))
