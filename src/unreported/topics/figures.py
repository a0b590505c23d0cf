"""Static figures for the report (PNG, fixed style, no timestamps or software metadata)."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from unreported.cache import atomic_write_bytes  # noqa: E402
from unreported.config import FACTOR_IDS  # noqa: E402

_BAR = "#3b6ea5"
_ALERT = "#b5473a"
_RC = {"font.family": "DejaVu Sans", "font.size": 8, "axes.titlesize": 10, "figure.dpi": 100,
       "svg.hashsalt": "unreported", "path.simplify": True}


def _save(fig: plt.Figure, path: Path) -> None:
    import io

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, bbox_inches="tight", metadata={"Software": None})
    plt.close(fig)
    atomic_write_bytes(path, buf.getvalue())


def _short(label: str, n: int = 38) -> str:
    return label if len(label) <= n else label[: n - 1] + "…"


def topic_sizes(align: pd.DataFrame, path: Path) -> None:
    """Units per topic; emergent topics (matching no factor) in the alert colour."""
    with plt.rc_context(_RC):
        fig, ax = plt.subplots(figsize=(7, 0.28 * len(align) + 1.0))
        y = np.arange(len(align))[::-1]
        colors = [_ALERT if e else _BAR for e in align["emergent"]]
        ax.barh(y, align["size"], color=colors)
        ax.set_yticks(y, [_short(s) for s in align["label"]])
        ax.set_xlabel("units")
        ax.set_title("Topics by size (red: matches no factor)", loc="left")
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        _save(fig, path)


def _heatmap(matrix: np.ndarray, rows: list[str], cols: list[str], title: str, path: Path) -> None:
    with plt.rc_context(_RC):
        fig, ax = plt.subplots(figsize=(0.55 * len(cols) + 3.2, 0.28 * len(rows) + 1.2))
        ax.imshow(matrix, cmap="Blues", vmin=0, vmax=1, aspect="auto", interpolation="nearest")
        ax.set_xticks(range(len(cols)), cols, rotation=45, ha="right")
        ax.set_yticks(range(len(rows)), [_short(r) for r in rows])
        for i in range(matrix.shape[0]):
            for j in range(matrix.shape[1]):
                v = matrix[i, j]
                if v >= 0.05:
                    ax.text(j, i, f"{v:.0%}", ha="center", va="center", fontsize=6,
                            color="white" if v > 0.55 else "black")
        ax.set_title(title, loc="left")
        _save(fig, path)


def alignment_heatmap(align: pd.DataFrame, path: Path) -> None:
    """Share of each topic's units carrying each factor."""
    cols = [*FACTOR_IDS, "uncoded"]
    _heatmap(align[cols].to_numpy(dtype=float), list(align["label"]), cols,
             "Topic × factor: share of the topic's units with the code", path)


def groups_heatmap(groups: pd.DataFrame, path: Path) -> None:
    """Share of each respondent group's units that fall in each topic."""
    wide = groups.pivot_table(index=["topic", "label"], columns="group", values="share_of_group", fill_value=0.0)
    wide = wide.sort_index(level=0)
    _heatmap(wide.to_numpy(dtype=float), [lab for _, lab in wide.index], [str(c) for c in wide.columns],
             "Topics per respondent group: share of the group's units", path)
