"""A double-coding sample: the same units for two or more human coders, to measure the ceiling.

Why: the auto-coder's κ against one human coding means little without the agreement of two
humans on the same units; that human–human figure (Krippendorff's α, Cohen's κ per factor) is
the ceiling any auto-coder can be held to. The sample is stratified by language and by the
auto-coder's suggested factor (units without a suggestion form a stratum of their own), and
strata are drawn in turn, so rare factors and small languages get enough units for a per-factor
figure; within a stratum units are drawn at random with the study's seed. Each coder gets a
*blind* coding sheet (no scores, no evidence): the returned sheets go to ``coding/human/``, where
the coding stage compares the coders with each other and with the auto-coder
(``reliability.csv``).
"""

from __future__ import annotations

import csv
import io
import random
import re
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from pathlib import Path

from unreported.errors import UnreportedError

NO_CODE = "none"
_CODER_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")


def stratum(unit: Mapping[str, object], suggested: Sequence[Mapping[str, object]]) -> str:
    """``lang:factor`` of a unit: its best-scored suggested factor, or ``none``."""
    best = max(suggested, key=lambda s: (float(s.get("score", 0.0)), str(s["code"])), default=None)
    return f"{unit.get('lang') or 'en'}:{best['code'] if best else NO_CODE}"


def draw_sample(
    units: Sequence[Mapping[str, object]], suggestions: Mapping[str, Sequence[Mapping[str, object]]], n: int, *, seed: int = 0,
) -> list[tuple[Mapping[str, object], str]]:
    """``n`` units (or all, if fewer), drawn from the strata in turn; returned in corpus order
    with their stratum. Deterministic for the same units, suggestions and seed."""
    if n < 1:
        raise ValueError("the sample needs at least one unit")
    by_stratum: dict[str, list[int]] = defaultdict(list)
    for i, u in enumerate(units):
        by_stratum[stratum(u, suggestions.get(str(u["id"]), ()))].append(i)
    rng = random.Random(seed)
    queues = {}
    for name in sorted(by_stratum):
        members = list(by_stratum[name])
        rng.shuffle(members)
        queues[name] = members
    chosen: dict[int, str] = {}
    while len(chosen) < min(n, len(units)):
        for name, queue in queues.items():
            if queue and len(chosen) < n:
                chosen[queue.pop()] = name
    return [(units[i], chosen[i]) for i in sorted(chosen)]


def write_double_coding(
    out_dir: Path,
    units: Sequence[Mapping[str, object]],
    suggestions: Mapping[str, Sequence[Mapping[str, object]]],
    codes: Sequence[str],
    codebook_names: Mapping[str, str],
    coders: Sequence[str],
    n: int,
    *,
    seed: int = 0,
) -> dict[str, int]:
    """Write one blind sheet per coder (``<coder>.xlsx``) and ``sample.csv`` (unit, stratum);
    returns the number of sampled units per stratum."""
    from unreported.cache import atomic_write_text
    from unreported.coding_sheet import export_sheet

    if len(coders) < 2:
        raise UnreportedError("double coding needs at least two coders (e.g. --coders anna,bolot)")
    bad = [c for c in coders if not _CODER_NAME.match(c)]
    if bad or len(set(coders)) != len(coders):
        raise UnreportedError(
            f"coder names must be distinct and made of letters, digits, '_', '.' or '-' (they name the sheets): {', '.join(bad) or 'duplicates'}"
        )
    sample = draw_sample(units, suggestions, n, seed=seed)
    out_dir.mkdir(parents=True, exist_ok=True)
    rows = [unit for unit, _ in sample]
    for coder in coders:
        export_sheet(out_dir / f"{coder}.xlsx", rows, None, codes, codebook_names)
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["unit", "stratum"])
    writer.writerows([str(unit["id"]), name] for unit, name in sample)
    atomic_write_text(out_dir / "sample.csv", buf.getvalue())
    return dict(sorted(Counter(name for _, name in sample).items()))
