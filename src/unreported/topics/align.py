"""Topics against the codebook: topic × factor shares, best factor, emergent themes, groups.

A topic's share for a factor is the fraction of its units that carry the factor's code
(sub-codes such as ``F1.stigma`` count for ``F1``). A topic whose best share is below
``emergent_below`` matches no factor: it is flagged as an emergent theme, the material the
codebook did not name.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pandas as pd

from unreported.config import FACTOR_IDS
from unreported.topics.model import TopicFit

#: Default: a topic is emergent when fewer than this share of its units carry any one factor.
EMERGENT_BELOW = 0.25


def factor_of(code: str) -> str | None:
    head = str(code).split(".", 1)[0].strip()
    return head if head in FACTOR_IDS else None


def unit_factors(code_records: Iterable[Mapping]) -> dict[str, set[str]]:
    """``{unit id: {factor ids}}`` from coding records ``{"unit", "code", ...}``."""
    out: dict[str, set[str]] = {}
    for rec in code_records:
        f = factor_of(rec.get("code", ""))
        if f is not None:
            out.setdefault(str(rec["unit"]), set()).add(f)
    return out


def alignment(fit: TopicFit, factors: Mapping[str, set[str]], emergent_below: float = EMERGENT_BELOW) -> pd.DataFrame:
    """One row per topic: size, share per factor, uncoded share, best factor, emergent flag."""
    rows = []
    for t, info in sorted(fit.info.items()):
        members = [u for u, tt in zip(fit.ids, fit.topics) if tt == t]
        n = len(members)
        shares = {f: sum(1 for u in members if f in factors.get(u, ())) / n for f in FACTOR_IDS}
        uncoded = sum(1 for u in members if not factors.get(u)) / n
        best = max(FACTOR_IDS, key=lambda f: (shares[f], -FACTOR_IDS.index(f)))
        emergent = shares[best] < emergent_below
        rows.append({"topic": t, "label": info.label, "lang": info.lang, "size": n,
                     **{f: round(shares[f], 4) for f in FACTOR_IDS}, "uncoded": round(uncoded, 4),
                     "best_factor": "" if emergent else best, "best_share": round(shares[best], 4),
                     "emergent": emergent})
    return pd.DataFrame(rows, columns=["topic", "label", "lang", "size", *FACTOR_IDS, "uncoded",
                                       "best_factor", "best_share", "emergent"])


def by_group(fit: TopicFit, groups: Mapping[str, str]) -> pd.DataFrame:
    """Long table: units of each topic per respondent group, and the share of the group's units."""
    df = pd.DataFrame({"unit": fit.ids, "topic": fit.topics, "label": fit.labels})
    df["group"] = [groups.get(u) or "unknown" for u in fit.ids]
    totals = df.groupby("group").size()
    out = df.groupby(["topic", "label", "group"]).size().reset_index(name="units")
    out["share_of_group"] = [round(u / totals[g], 4) for u, g in zip(out["units"], out["group"])]
    return out.sort_values(["topic", "group"]).reset_index(drop=True)


def topics_table(fit: TopicFit) -> pd.DataFrame:
    """topics.csv: id, label, language, size, keywords, representative quotes with unit ids."""
    rows = []
    for t, info in sorted(fit.info.items()):
        rows.append({"topic": t, "label": info.label, "lang": info.lang, "size": info.size,
                     "keywords": "; ".join(info.keywords),
                     "quote_units": "; ".join(u for u, _ in info.quotes),
                     "quotes": " || ".join(f"[{u}] {q}" for u, q in info.quotes)})
    n_out = sum(1 for t in fit.topics if t == -1)
    if n_out:
        rows.append({"topic": -1, "label": "-1_outlier", "lang": "", "size": n_out, "keywords": "",
                     "quote_units": "", "quotes": ""})
    return pd.DataFrame(rows, columns=["topic", "label", "lang", "size", "keywords", "quote_units", "quotes"])


def emergent_table(align: pd.DataFrame, topics: pd.DataFrame) -> pd.DataFrame:
    em = align[align["emergent"]][["topic", "label", "lang", "size", "best_share", "uncoded"]]
    return em.merge(topics[["topic", "keywords", "quotes"]], on="topic", how="left").reset_index(drop=True)
