"""Reliability figures against published worked examples, plus bootstrap determinism and
the degenerate cases (a code nobody used, too few units)."""

from __future__ import annotations

import math
from itertools import combinations

import numpy as np
import pytest
from sklearn.metrics import cohen_kappa_score

from unreported.reliability import _binary_alpha, _kappa_from_counts, nominal_alpha, pairwise_kappa, reliability_table

# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section C: four observers,
# twelve units, nominal values, missing data (None). Published result: alpha = 0.743.
KRIPPENDORFF_2011 = {
    "A": [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
    "B": [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
    "C": [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
    "D": [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None],
}
# The 2x2 example of Cohen's kappa (Wikipedia, "Cohen's kappa", worked example): 50 proposals,
# both yes 20, A yes / B no 5, A no / B yes 10, both no 15 -> p_o = 0.70, p_e = 0.50, kappa = 0.40.
COHEN_CELLS = [(True, True, 20), (True, False, 5), (False, True, 10), (False, False, 15)]


def _cohen_codings(code: str = "X") -> dict[str, dict[str, set[str]]]:
    a: dict[str, set[str]] = {}
    b: dict[str, set[str]] = {}
    i = 0
    for yes_a, yes_b, n in COHEN_CELLS:
        for _ in range(n):
            a[f"u{i:02d}"] = {code} if yes_a else set()
            b[f"u{i:02d}"] = {code} if yes_b else set()
            i += 1
    return {"A": a, "B": b}


def test_krippendorff_2011_nominal_example() -> None:
    data = {c: {f"u{i:02d}": v for i, v in enumerate(vals) if v is not None} for c, vals in KRIPPENDORFF_2011.items()}
    assert nominal_alpha(data) == pytest.approx(0.743, abs=5e-4)


def test_cohen_textbook_example_in_the_table() -> None:
    table = reliability_table(_cohen_codings(), ["X"], n_boot=200).set_index("code")
    assert table.loc["X", "percent_agreement"] == pytest.approx(0.70)
    assert table.loc["X", "kappa"] == pytest.approx(0.40)
    assert table.loc["X", "n_units"] == 50 and table.loc["X", "n_coders"] == 2
    assert table.loc["X", "kappa_low"] < 0.40 < table.loc["X", "kappa_high"]
    assert table.loc["X", "alpha_low"] < table.loc["X", "alpha"] < table.loc["X", "alpha_high"]
    assert table.loc["macro", "kappa"] == pytest.approx(0.40)


def test_pairwise_kappa_matches_sklearn_on_common_units_only() -> None:
    a = {"1": "x", "2": "y", "3": "x", "4": "y", "5": "x"}
    b = {"1": "x", "2": "y", "3": "y", "4": "y", "9": "x"}
    assert pairwise_kappa(a, b) == pytest.approx(cohen_kappa_score(["x", "y", "x", "y"], ["x", "y", "y", "y"]))
    assert math.isnan(pairwise_kappa({"1": "x", "2": "x"}, {"1": "x", "2": "x"}))


def test_closed_form_kappa_equals_sklearn() -> None:
    rng = np.random.default_rng(1)
    for _ in range(20):
        x = rng.random(40) < rng.random()
        y = np.where(rng.random(40) < 0.7, x, ~x)
        counts = [np.array([float((x & y).sum())]), np.array([float((x & ~y).sum())]),
                  np.array([float((~x & y).sum())]), np.array([float((~x & ~y).sum())])]
        expected = cohen_kappa_score(x, y) if len(set(x) | set(y)) > 1 else float("nan")
        got = _kappa_from_counts(*counts)[0]
        assert (math.isnan(got) and math.isnan(expected)) or got == pytest.approx(expected)


def test_closed_form_alpha_equals_krippendorff_package() -> None:
    """The bootstrap's closed-form α agrees with the package on data with missing values,
    unweighted and with units repeated as a bootstrap resample repeats them."""
    import krippendorff

    rng = np.random.default_rng(2)
    for _ in range(20):
        data = (rng.random((3, 30)) < rng.uniform(0.1, 0.6)).astype(float)
        data[rng.random((3, 30)) < 0.25] = np.nan
        data = data[:, (~np.isnan(data)).sum(axis=0) >= 2]
        zeros, ones = (data == 0).sum(axis=0), (data == 1).sum(axis=0)
        if min(zeros.sum(), ones.sum()) == 0:
            continue
        expected = krippendorff.alpha(reliability_data=data, level_of_measurement="nominal")
        assert _binary_alpha(np.ones((1, data.shape[1])), zeros, ones)[0] == pytest.approx(expected)
        draw = rng.integers(0, data.shape[1], data.shape[1])
        resampled = data[:, draw]
        if len(set(resampled[~np.isnan(resampled)])) == 2:
            weights = np.bincount(draw, minlength=data.shape[1])[None, :].astype(float)
            assert _binary_alpha(weights, zeros, ones)[0] == pytest.approx(
                krippendorff.alpha(reliability_data=resampled, level_of_measurement="nominal")
            )


def test_three_coders_with_missing_units() -> None:
    rng = np.random.default_rng(7)
    truth = {f"u{i:03d}": set(rng.choice(["F1", "F2", "F3"], size=rng.integers(0, 3), replace=False)) for i in range(120)}

    def noisy(drop: float, flip: float) -> dict[str, set[str]]:
        out = {}
        for u, codes in truth.items():
            if rng.random() < drop:
                continue
            out[u] = {c for c in ("F1", "F2", "F3") if (c in codes) != (rng.random() < flip)}
        return out

    codings = {"auto": noisy(0.0, 0.15), "ana": noisy(0.2, 0.05), "bek": noisy(0.3, 0.1)}
    table = reliability_table(codings, ["F1", "F2", "F3"], n_boot=300).set_index("code")
    for code in ("F1", "F2", "F3"):
        expected = []
        for c1, c2 in combinations(sorted(codings), 2):
            common = sorted(set(codings[c1]) & set(codings[c2]))
            expected.append(cohen_kappa_score([code in codings[c1][u] for u in common], [code in codings[c2][u] for u in common]))
        assert table.loc[code, "kappa"] == pytest.approx(np.mean(expected))
        data = {c: {u: int(code in s) for u, s in m.items()} for c, m in codings.items()}
        assert table.loc[code, "alpha"] == pytest.approx(nominal_alpha(data))
        assert table.loc[code, "kappa_low"] <= table.loc[code, "kappa"] <= table.loc[code, "kappa_high"]
    assert table.loc["F1", "n_coders"] == 3
    assert table.loc["macro", "kappa"] == pytest.approx(table.loc[["F1", "F2", "F3"], "kappa"].mean())


def test_bootstrap_is_deterministic_and_seeded() -> None:
    codings = _cohen_codings()
    first = reliability_table(codings, ["X"], n_boot=300, seed=3)
    again = reliability_table(codings, ["X"], n_boot=300, seed=3)
    other = reliability_table(codings, ["X"], n_boot=300, seed=4)
    assert first.equals(again)
    assert first.loc[0, "kappa"] == other.loc[0, "kappa"]
    assert (first.loc[0, "kappa_low"], first.loc[0, "kappa_high"]) != (other.loc[0, "kappa_low"], other.loc[0, "kappa_high"])


def test_code_nobody_used_is_nan_with_a_note() -> None:
    table = reliability_table(_cohen_codings(), ["X", "F7"], n_boot=100).set_index("code")
    assert math.isnan(table.loc["F7", "kappa"]) and math.isnan(table.loc["F7", "alpha"])
    assert "no coder applied" in table.loc["F7", "note"]
    assert table.loc["macro", "kappa"] == pytest.approx(0.40)
    assert "1 code(s)" in table.loc["macro", "note"]


def test_too_few_units_and_coders() -> None:
    table = reliability_table({"a": {"u1": {"F1"}}, "b": {"u1": set(), "u2": {"F1"}}}, ["F1"], n_boot=50)
    assert "fewer than two units" in table.loc[0, "note"] and math.isnan(table.loc[0, "kappa"])
    with pytest.raises(ValueError, match="two coders"):
        reliability_table({"a": {"u1": {"F1"}}}, ["F1"])
