"""Charts for the reports, as PNG data URIs so that one HTML file carries everything.

PNG bytes are made deterministic (no software/date metadata) so that the same data gives
the same report.
"""

from __future__ import annotations

import base64
import io
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

from unreported.report.data import DeskData  # noqa: E402

_BAR = "#3b6ea5"
_MUTED = "#9bb5d1"
_ALERT = "#b5473a"


def to_data_uri(fig: plt.Figure) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, bbox_inches="tight", metadata={"Software": None})
    plt.close(fig)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def file_data_uri(path: Path) -> str:
    return "data:image/png;base64," + base64.b64encode(Path(path).read_bytes()).decode("ascii")


def funnel(desk: DeskData) -> str:
    """Centred horizontal bars, widest on top; stages that are parts of another are marked."""
    stages = desk.stages
    fig, ax = plt.subplots(figsize=(7.5, 0.75 * len(stages) + 0.9))
    top = max(s.value for s in stages)
    for i, s in enumerate(stages):
        y = len(stages) - 1 - i
        color = _BAR if s.of is None else (_ALERT if i == len(stages) - 1 else _MUTED)
        ax.barh(y, s.value, left=(top - s.value) / 2, color=color, height=0.72)
        label = s.label if s.of is None else f"of which: {s.label.lower()}"
        ax.text(top / 2, y, f"{s.value:,}", ha="center", va="center", color="white" if s.value > top * 0.12 else "black",
                fontsize=11, fontweight="bold")
        ax.text(-top * 0.02, y, label, ha="right", va="center", fontsize=9)
    ax.set_xlim(-top * 0.02, top)
    ax.set_yticks([])
    ax.set_xticks([])
    for side in ("top", "right", "left", "bottom"):
        ax.spines[side].set_visible(False)
    ax.set_title(desk.title, fontsize=11, loc="left")
    return to_data_uri(fig)


def prevalence_by_group(table: pd.DataFrame, factor: str, name: str) -> str:
    """Share of respondents in each group who voice the factor, with n on each bar."""
    fig, ax = plt.subplots(figsize=(7, 0.42 * max(len(table), 2) + 0.9))
    t = table.sort_values("% voicing")
    ax.barh(t["group"].astype(str), t["% voicing"], color=_BAR)
    for y, (pct, v, n) in enumerate(zip(t["% voicing"], t["voicing"], t["respondents"], strict=True)):
        ax.text(pct + 1, y, f"{v}/{n}", va="center", fontsize=8)
    ax.set_xlim(0, 110)
    ax.set_xlabel("% of respondents in the group voicing the factor")
    ax.set_title(f"{factor} {name}", fontsize=10, loc="left")
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    return to_data_uri(fig)


def prevalence_overview(prev: pd.DataFrame, names: dict[str, str]) -> str:
    fig, ax = plt.subplots(figsize=(7, 3.2))
    labels = [f"{f} {names.get(f, '')}".strip() for f in prev["factor"]]
    ax.barh(labels[::-1], prev["% of respondents"].tolist()[::-1], color=_BAR)
    ax.set_xlabel("% of respondents voicing the factor")
    ax.set_xlim(0, 100)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    return to_data_uri(fig)


def cooccurrence_heatmap(matrix: pd.DataFrame) -> str:
    fig, ax = plt.subplots(figsize=(5.2, 4.4))
    ax.imshow(matrix.values, cmap="Blues")
    ax.set_xticks(range(len(matrix.columns)), matrix.columns)
    ax.set_yticks(range(len(matrix.index)), matrix.index)
    peak = matrix.values.max() if matrix.size else 0
    for i in range(len(matrix.index)):
        for j in range(len(matrix.columns)):
            v = int(matrix.values[i, j])
            ax.text(j, i, str(v), ha="center", va="center", fontsize=8, color="white" if peak and v > peak / 2 else "black")
    ax.set_title("Units coded with both factors (diagonal: with the factor)", fontsize=9)
    return to_data_uri(fig)
