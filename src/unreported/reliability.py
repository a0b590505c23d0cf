"""Inter-coder reliability: percent agreement, Cohen's κ and Krippendorff's α per code.

Coders are anyone who codes units: people, the auto-coder, an import from a QDA tool. A
coding is ``{coder: {unit id: set of codes applied}}``; a unit missing from a coder's
mapping was not coded by that coder (missing data), while an empty set means "coded, no
code applies". Each code is judged as a binary decision per unit (applied or not), which
is how multi-label qualitative coding is usually checked.

- Cohen's κ (scikit-learn) for two coders; for more, the mean over coder pairs (Light's κ).
- Krippendorff's α, nominal (the ``krippendorff`` package): any number of coders, missing
  data allowed.
- 95 % percentile bootstrap intervals, resampling units, seeded and deterministic. The
  same resamples serve every code, so the ``macro`` row (mean over codes) gets an interval
  too. In the bootstrap, κ and α come from closed forms over weighted unit counts
  (identical to scikit-learn's and krippendorff's figures, which a test checks; calling
  those thousands of times per code would take minutes on a real corpus).

A code that no coder applied has no variation to agree on: its κ and α are NaN with a note,
never an error.
"""

from __future__ import annotations

import warnings
from collections.abc import Hashable, Mapping, Sequence
from itertools import combinations

import krippendorff
import numpy as np
import pandas as pd
from sklearn.metrics import cohen_kappa_score

COLUMNS = (
    "code", "n_units", "n_coders", "percent_agreement",
    "kappa", "kappa_low", "kappa_high", "alpha", "alpha_low", "alpha_high", "note",
)


def pairwise_kappa(a: Mapping[str, Hashable], b: Mapping[str, Hashable]) -> float:
    """Cohen's κ between two coders over the units both coded (NaN when undefined)."""
    units = sorted(set(a) & set(b))
    if len(units) < 2:
        return float("nan")
    x = [a[u] for u in units]
    y = [b[u] for u in units]
    labels = sorted(set(x) | set(y), key=repr)
    if len(labels) < 2:
        return float("nan")  # both coders constant and equal: chance agreement is 1
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return float(cohen_kappa_score(x, y, labels=labels))


def nominal_alpha(data: Mapping[str, Mapping[str, Hashable]]) -> float:
    """Krippendorff's α (nominal) for ``{coder: {unit: value}}``; missing values allowed.

    NaN when fewer than two values occur or no unit was coded twice.
    """
    coders = sorted(data)
    units = sorted({u for values in data.values() for u in values})
    domain = sorted({v for values in data.values() for v in values.values()}, key=repr)
    index = {v: i for i, v in enumerate(domain)}
    matrix = np.full((len(coders), len(units)), np.nan)
    for i, c in enumerate(coders):
        for j, u in enumerate(units):
            if u in data[c]:
                matrix[i, j] = index[data[c][u]]
    pairable = (~np.isnan(matrix)).sum(axis=0) >= 2
    if len(domain) < 2 or pairable.sum() < 1:
        return float("nan")
    return float(krippendorff.alpha(reliability_data=matrix, level_of_measurement="nominal"))


def _kappa_from_counts(n11: np.ndarray, n10: np.ndarray, n01: np.ndarray, n00: np.ndarray) -> np.ndarray:
    """Cohen's κ of a 2×2 table, element-wise (NaN where chance agreement is 1 or no units)."""
    n = n11 + n10 + n01 + n00
    with np.errstate(invalid="ignore", divide="ignore"):
        po = (n11 + n00) / n
        pa, pb = (n11 + n10) / n, (n11 + n01) / n
        pe = pa * pb + (1 - pa) * (1 - pb)
        kappa = (po - pe) / (1 - pe)
    return np.where((n > 0) & (pe < 1 - 1e-12), kappa, np.nan)


def _binary_alpha(weights: np.ndarray, zeros: np.ndarray, ones: np.ndarray) -> np.ndarray:
    """Krippendorff's nominal α for binary values, one per row of unit ``weights``.

    From the coincidence matrix: α = 1 − (n − 1)·o₀₁ / (n₀·n₁), where a unit with m values,
    n₀ zeros and n₁ ones adds n₀·n₁/(m − 1) to o₀₁. Units with fewer than two values add nothing.
    """
    m = zeros + ones
    pairable = m >= 2
    with np.errstate(invalid="ignore", divide="ignore"):
        o01 = np.where(pairable, zeros * ones / np.where(pairable, m - 1, 1), 0.0)
        n0 = weights @ np.where(pairable, zeros, 0).astype(float)
        n1 = weights @ np.where(pairable, ones, 0).astype(float)
        alpha = 1 - (n0 + n1 - 1) * (weights @ o01) / (n0 * n1)
    return np.where((n0 > 0) & (n1 > 0), alpha, np.nan)


def _interval(samples: np.ndarray) -> tuple[float, float]:
    finite = samples[np.isfinite(samples)]
    if finite.size < max(10, samples.size // 2):
        return float("nan"), float("nan")
    low, high = np.percentile(finite, [2.5, 97.5])
    return float(low), float(high)


def reliability_table(
    codings: Mapping[str, Mapping[str, set[str]]],
    codes: Sequence[str],
    *,
    n_boot: int = 1000,
    seed: int = 0,
) -> pd.DataFrame:
    """Agreement per code and a ``macro`` row (mean over codes), with bootstrap intervals.

    Columns: code, n_units (units coded by at least two coders), n_coders, percent_agreement
    (for each unit the share of coder pairs that agree, averaged over units), kappa (Cohen's
    for two coders, mean pairwise for more) with kappa_low/kappa_high, alpha (Krippendorff's
    nominal) with alpha_low/alpha_high, and note (why a figure is NaN).
    """
    coders = sorted(c for c in codings if codings[c])
    if len(coders) < 2:
        raise ValueError(f"reliability needs at least two coders with coded units; got {len(coders)}")
    all_units = sorted({u for c in coders for u in codings[c]})
    coded_all = np.array([[u in codings[c] for u in all_units] for c in coders], dtype=bool)
    keep = coded_all.sum(axis=0) >= 2
    units = [u for u, k in zip(all_units, keep) if k]
    coded = coded_all[:, keep]
    active = [i for i in range(len(coders)) if coded[i].any()]
    pairs = [(i, j) for i, j in combinations(active, 2) if (coded[i] & coded[j]).sum() > 0]
    n_units = len(units)

    rng = np.random.default_rng(seed)
    draws = rng.integers(0, n_units, size=(n_boot, n_units)) if n_units else np.zeros((n_boot, 0), dtype=int)
    weights = np.stack([np.bincount(d, minlength=n_units) for d in draws]).astype(float)

    rows: list[dict] = []
    boot_kappa: list[np.ndarray] = []
    boot_alpha: list[np.ndarray] = []
    for code in codes:
        applied = np.array([[code in codings[c].get(u, ()) for u in units] for c in coders], dtype=bool)
        note = ""
        if n_units < 2:
            note = "fewer than two units coded by two or more coders"
        elif not (applied & coded).any():
            note = "no coder applied this code"
        elif (applied | ~coded).all():
            note = "every coder applied this code to every unit"

        ones = (applied & coded).sum(axis=0)
        m = coded.sum(axis=0)
        with np.errstate(invalid="ignore", divide="ignore"):
            agree = (ones * (ones - 1) + (m - ones) * (m - ones - 1)) / (m * (m - 1))
        percent = float(agree.mean()) if n_units else float("nan")

        if note:
            kappa = alpha = float("nan")
            bk = np.full(n_boot, np.nan)
            ba = np.full(n_boot, np.nan)
        else:
            point = []
            pair_boot = []
            for i, j in pairs:
                both = coded[i] & coded[j]
                a = {u: int(v) for u, v, k in zip(units, applied[i], both) if k}
                b = {u: int(v) for u, v, k in zip(units, applied[j], both) if k}
                point.append(pairwise_kappa(a, b))
                x, y = applied[i] & both, applied[j] & both
                cells = [x & y, x & ~y & both, ~x & y & both, ~x & ~y & both]
                pair_boot.append(_kappa_from_counts(*(weights @ c.astype(float) for c in cells)))
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                kappa = float(np.nanmean(point)) if point and not np.isnan(point).all() else float("nan")
                bk = np.nanmean(np.vstack(pair_boot), axis=0) if pair_boot else np.full(n_boot, np.nan)
            vc = np.stack([m - ones, ones], axis=1)
            alpha = float(krippendorff.alpha(value_counts=vc, level_of_measurement="nominal"))
            ba = _binary_alpha(weights, m - ones, ones)
            if np.isnan(kappa):
                note = "kappa undefined: each coder pair used one value only"
        boot_kappa.append(bk)
        boot_alpha.append(ba)
        rows.append(
            {
                "code": code, "n_units": n_units, "n_coders": len(active), "percent_agreement": percent,
                "kappa": kappa, "kappa_low": _interval(bk)[0], "kappa_high": _interval(bk)[1],
                "alpha": alpha, "alpha_low": _interval(ba)[0], "alpha_high": _interval(ba)[1], "note": note,
            }
        )

    # The macro row averages the codes that have every figure, so that its three means and
    # their intervals describe the same set of codes.
    table = pd.DataFrame(rows, columns=list(COLUMNS))
    included = (table["note"] == "").to_numpy()
    skipped = int((~included).sum())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        if included.any():
            macro_k = np.nanmean(np.vstack(boot_kappa)[included], axis=0)
            macro_a = np.nanmean(np.vstack(boot_alpha)[included], axis=0)
        else:
            macro_k = macro_a = np.full(n_boot, np.nan)
        kept = table[included]
        rows.append(
            {
                "code": "macro", "n_units": n_units, "n_coders": len(active),
                "percent_agreement": float(kept["percent_agreement"].mean()) if len(kept) else float("nan"),
                "kappa": float(kept["kappa"].mean()) if len(kept) else float("nan"),
                "kappa_low": _interval(macro_k)[0], "kappa_high": _interval(macro_k)[1],
                "alpha": float(kept["alpha"].mean()) if len(kept) else float("nan"),
                "alpha_low": _interval(macro_a)[0], "alpha_high": _interval(macro_a)[1],
                "note": f"mean over codes; {skipped} code(s) without a figure left out" if skipped else "mean over codes",
            }
        )
    return pd.DataFrame(rows, columns=list(COLUMNS))
