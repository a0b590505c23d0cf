"""The reports' sections as Markdown, so a ``.qmd`` chunk is one call and one display.

Markdown (pipe tables, images as data URIs, headings) is what both render paths — Quarto and
the Jupyter + pandoc fallback — show the same way, so every section is built here and the
``.qmd`` files only say which section goes where.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from unreported.report import data as d
from unreported.report import figures
from unreported.report.data import ReportData, load  # noqa: F401  (re-exported for the .qmd)


def show(markdown: str) -> None:
    """Display Markdown as a cell output (Quarto and the fallback both render it as Markdown)."""
    from IPython.display import Markdown, display

    display(Markdown(markdown))


_MD_SPECIAL = str.maketrans({c: "\\" + c for c in "\\`*_[]<>#|$~^"})


def literal(text: str) -> str:
    """Transcript-derived text as literal Markdown: no markup, no raw HTML, one line."""
    return " ".join(str(text).split()).translate(_MD_SPECIAL)


def table(df: pd.DataFrame) -> str:
    """A Pandoc pipe table; cells are literal text, so a quote or a label cannot break the table."""
    if df is None or df.empty:
        return "_(no rows)_"
    cols = [str(c) for c in df.columns]
    esc = lambda v: "" if pd.isna(v) else literal(v)  # noqa: E731
    numeric = [pd.api.types.is_numeric_dtype(df[c]) for c in df.columns]
    rows = [[esc(v) for v in row] for row in df.itertuples(index=False)]
    # Pandoc sizes wrapped columns by the dashes of the separator line: make them follow the content.
    widths = [max(3, min(60, max([len(c), *(len(r[i]) for r in rows)]))) for i, c in enumerate(cols)]
    lines = ["| " + " | ".join(esc(c) for c in cols) + " |"]
    lines.append("|" + "|".join(("-" * (w - 1) + ":") if n else (":" + "-" * (w - 1)) for w, n in zip(widths, numeric, strict=True)) + "|")
    lines.extend("| " + " | ".join(r) + " |" for r in rows)
    return "\n".join(lines)


def missing(message: str) -> str:
    return f"::: {{.callout-warning}}\n**Not available.** {message}\n:::"


def image(uri: str, caption: str) -> str:
    return f"![{caption}]({uri})"


def _names(data: ReportData) -> dict[str, str]:
    return dict(zip(data.factors["id"], data.factors["name"], strict=True))


# --- Findings -------------------------------------------------------------------------------


def corpus(data: ReportData) -> str:
    if data.note("redaction"):
        return missing(data.note("redaction"))
    parts = [
        f"The study analyses **{len(data.documents)} transcripts**, read only in their redacted form. "
        "Counts per respondent group, interview kind (IDI: in-depth interview; FGD: focus group) and language:",
        table(d.corpus_table(data)),
    ]
    excluded = d.excluded_documents(data.study)
    if not excluded.empty:
        parts.append(f"{len(excluded)} further transcript(s) were kept out by the redaction stage "
                     f"({', '.join(excluded['transcript'])}); see [Methods and audit](methods.html).")
    if data.note("coding"):
        parts.append(missing(data.note("coding")))
    return "\n\n".join(parts)


def desk(data: ReportData) -> str:
    if data.desk is None:
        return missing(data.note("desk") or "no desk data")
    desk = data.desk
    quote = " ".join(desk.quote.split())
    return "\n\n".join(
        [
            image(figures.funnel(desk), f"{desk.title}. Source: {desk.source}"),
            f"> {quote}\n>\n> — {desk.source}",
            f"_{desk.note}_" if desk.note else "",
        ]
    )


def overview(data: ReportData) -> str:
    if data.note("coding"):
        return missing(data.note("coding"))
    prev = d.prevalence(data)
    return "\n\n".join(
        [
            image(figures.prevalence_overview(prev, _names(data)), "Share of respondents voicing each factor"),
            table(prev.assign(factor=[f"{f} {_names(data).get(f, '')}" for f in prev["factor"]])),
            image(figures.cooccurrence_heatmap(d.cooccurrence(data)), "Co-occurrence of the factors in coded units"),
        ]
    )


def factor(data: ReportData, factor_id: str, level: int = 3) -> str:
    """One factor: definition, prevalence (overall and by group), co-occurrence, quotes, recommendations."""
    row = data.factors.set_index("id").loc[factor_id]
    h = "#" * level
    parts = [f"{h} {factor_id} {row['name']} {{#sec-{factor_id.lower()}}}"]
    if row["definition"]:
        parts.append(f"_{' '.join(row['definition'].split())}_")
    if data.note("coding"):
        parts.append(missing(data.note("coding")))
    else:
        ev = d.evidence(data, factor_id)
        total_resp = data.units["respondent"].nunique()
        parts.append(
            f"Coded in **{ev.units} units** ({_pct(ev.units, len(data.units))} of respondent units), voiced by "
            f"**{ev.respondents} of {total_resp} respondents** in **{len(ev.groups)} groups**"
            + (f" ({', '.join(ev.groups)})." if ev.groups else ".")
        )
        by_group = d.prevalence_by_group(data, factor_id)
        parts.append(image(figures.prevalence_by_group(by_group, factor_id, row["name"]),
                           f"{factor_id}: share of respondents voicing it, by group"))
        parts.append(_cooccurrence_line(data, factor_id))
        parts.append(f"{h}# Respondents' words\n\n" + _quotes(data, factor_id))
    parts.append(f"{h}# Recommendations that answer {factor_id}\n\n" + _recommendations(data, factor_id))
    return "\n\n".join(parts)


def _pct(n: int, total: int) -> str:
    return f"{100 * n / total:.1f}%" if total else "0%"


def _cooccurrence_line(data: ReportData, factor_id: str) -> str:
    co = d.cooccurrence(data)
    if factor_id not in co.index or co.loc[factor_id, factor_id] == 0:
        return "No coded units, so no co-occurrence."
    others = co.loc[factor_id].drop(factor_id).sort_values(ascending=False)
    others = others[others > 0]
    if others.empty:
        return f"**Co-occurrence:** {factor_id} is never coded together with another factor."
    names = _names(data)
    items = ", ".join(f"{f} {names.get(f, '')} ({n} units)" for f, n in others.items())
    return f"**Co-occurs with:** {items}."


def _quotes(data: ReportData, factor_id: str) -> str:
    q = d.quotes(data, factor_id)
    if q.empty:
        return "_No unit is coded with this factor._"
    blocks = []
    for r in q.itertuples(index=False):
        blocks.append(f"> {literal(r.text)}\n>\n> — transcript **{r.doc}**, turn {r.turn} ({r.group}, {r.lang})")
    return "\n\n".join(blocks)


def _recommendations(data: ReportData, factor_id: str) -> str:
    if data.note("recommendations"):
        return missing(data.note("recommendations"))
    recs = d.linked_recommendations(data, factor_id)
    if not recs:
        return "_No recommendation is linked to this factor in the recommendations file._"
    coded = not data.note("coding")
    lines = []
    for r in recs:
        line = f"- **{r.id}** {d.shorten(r.text, 220)}"
        if r.addressee:
            line += f" _(to: {', '.join(r.addressees)})_"
        rationale = r.rationale(factor_id)
        if rationale:
            line += f"  \n  _Why it answers {factor_id}:_ {rationale}"
        if coded:
            ev = d.evidence(data, r.factor_ids)
            line += (f"  \n  _Evidence ({', '.join(r.factor_ids)}):_ **{ev.level}** — {ev.units} units, "
                     f"{ev.respondents} respondents, {len(ev.groups)} groups")
        lines.append(line)
    return "\n".join(lines)


def factors(data: ReportData) -> str:
    return "\n\n".join(factor(data, f) for f in data.factors["id"])


def traceability(data: ReportData) -> str:
    if data.note("recommendations"):
        return missing(data.note("recommendations"))
    t = d.traceability(data)
    legend = ("Each row is a recommendation, each column a factor; ● marks a link, with the number of units "
              "coded with that factor. The last column grades the evidence of all linked factors together "
              "(levels in `reports/report.yml`).")
    texts = "\n".join(f"- **{r.id}** {' '.join(r.text.split())}" for r in data.recommendations)
    return "\n\n".join([legend, table(t), f"<details><summary>Recommendation texts</summary>\n\n{texts}\n\n</details>"])


def emergent(data: ReportData) -> str:
    if data.note("topics"):
        return missing(data.note("topics"))
    study = data.study
    parts = ["Themes the topic model found that no factor of the codebook covers well "
             "(most of their units carry no factor code):"]
    em = d.read_csv(study.topics_dir / "emergent.csv")
    if em is None or em.empty:
        parts.append("_The topic model found no emergent theme._")
    else:
        parts.append("\n\n".join(_emergent_item(row) for row in em.to_dict("records")))
    al = d.read_csv(study.topics_dir / "alignment.csv")
    if al is not None:
        parts.append("How each topic aligns with the factors (share of its units coded with each):")
        parts.append(table(al.round(2)))
    for png in d.topic_figures(study):
        parts.append(image(figures.file_data_uri(png), png.stem.replace("_", " ")))
    return "\n\n".join(parts)


def _emergent_item(row: dict[str, Any]) -> str:
    """One emergent theme: its label, size, keywords and the first of its (redacted) example units."""
    label = str(row.get("label", row.get("topic", "?")))
    meta = [f"{row['size']} units" if "size" in row else "", str(row.get("lang", "")),
            f"{100 * float(row['uncoded']):.0f}% uncoded" if "uncoded" in row else ""]
    line = f"- **{label}** ({', '.join(m for m in meta if m)})"
    if row.get("keywords"):
        line += f"  \n  _Keywords:_ {literal(row['keywords'])}"
    quotes = str(row.get("quotes") or "").split(" || ")
    if quotes and quotes[0].strip():
        line += f"  \n  _Example:_ {literal(d.shorten(quotes[0], 300))}"
    return line


# --- Methods and audit ----------------------------------------------------------------------


def redaction(data: ReportData) -> str:
    study = data.study
    parts = []
    if study.policy_path.is_file():
        parts.append(f"Policy `{study.policy_path.name}` (SHA-256 in the input hashes below):")
        parts.append(table(d.policy_summary(study.policy_path)))
    else:
        parts.append(missing(f"`{study.policy_path}` is missing."))
    if data.note("redaction"):
        parts.append(missing(data.note("redaction")))
        return "\n\n".join(parts)
    counts = d.redaction_counts(study)
    parts.append("Spans replaced, per PII label and language (from the audit files):")
    parts.append(table(counts))
    excluded = d.excluded_documents(study)
    if excluded.empty:
        parts.append("No transcript was quarantined or refused.")
    else:
        parts.append(f"**{len(excluded)} transcript(s) kept out of every later stage** (fail closed):")
        parts.append(table(excluded))
    return "\n\n".join(parts)


def leak_check(data: ReportData) -> str:
    try:
        result = d.stage_leak_check(data.study)
    except ImportError:
        return missing("the leak checker (`unreported.redaction.leakcheck`) is not installed.")
    if result is None:
        return missing("no redacted files to check.")
    verdict = "**clean**" if result["hits"] == 0 else f"**{result['hits']} HITS — do not circulate this report**"
    return (f"Leak check over {result['files']} redacted and coded files: {verdict}. "
            "The rendered HTML of these reports is checked the same way after rendering "
            "(`output/reports/leakcheck.json`).")


def codebook_table(data: ReportData) -> str:
    return table(data.factors[["id", "name", "definition"]])


def reliability(data: ReportData) -> str:
    rel = d.reliability(data.study)
    if rel is None:
        return missing(f"`{data.study.coding_dir / 'reliability.csv'}` is missing (run `unreported code`).")
    basis = coding_basis(d.coding_calibration(data.study)) if rel.empty else ""  # rows: agreement was measured
    return f"{basis}\n\n{table(rel)}" if basis else table(rel)


def coding_basis(cal: dict[str, Any] | None) -> str:
    """A warning when no human coding of this corpus stands behind the codes: a reviewer must
    know that the findings rest on suggestions whose agreement with this corpus is unmeasured."""
    if not cal or cal.get("label_source") in ("gold", "human coders"):
        return ""
    if cal.get("label_source") == "coded examples":
        macro = cal.get("examples_cv", {}).get("all", {}).get("macro_kappa")
        within = f" (macro κ {macro:.2f} within the examples, cross-validated)" if macro is not None else ""
        what = (f"a model trained on {cal.get('n_training_examples', 0)} coded examples and the codebook's "
                f"anchors{within}")
    else:
        what = "the lexicon and embedding rules with a default threshold"
    return (f"::: {{.callout-warning}}\n**No human coding of this corpus.** The codes are suggestions of {what}; "
            "their agreement with this corpus is not measured. Code a sample (`unreported code sample`) "
            "before relying on the findings.\n:::")


def topic_settings(data: ReportData) -> str:
    s = d.topic_settings(data.study)
    if s is None:
        return missing(f"`{data.study.topics_dir / 'run_manifest.json'}` is missing (run `unreported topics`).")
    rows = [{"setting": k, "value": _flat(v)} for k, v in sorted(_flatten(s).items())]
    return table(pd.DataFrame(rows))


def _flatten(obj: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in obj.items():
        key = f"{prefix}{k}"
        if isinstance(v, dict):
            out.update(_flatten(v, key + "."))
        elif isinstance(v, list) and v and all(isinstance(x, dict) for x in v):
            for i, item in enumerate(v):
                out.update(_flatten(item, f"{key}[{item.get('key', i)}]."))
        else:
            out[key] = v
    return out


def _flat(v: Any) -> str:
    s = ", ".join(map(str, v)) if isinstance(v, list) else str(v)
    return s if len(s) <= 120 else s[:117] + "…"


def software(data: ReportData) -> str:
    return table(d.software_versions())


def seeds(data: ReportData) -> str:
    return table(d.seeds(data.study))


def input_hashes(data: ReportData) -> str:
    return table(d.input_hashes(data.study))


# --- Codebook appendix ----------------------------------------------------------------------


def codebook(data: ReportData) -> str:
    """Every factor as the coder applies it: definitions, inclusion and exclusion, anchors, sub-codes."""
    from unreported.coding.codebook import load_codebook

    path: Path = data.study.codebook_path
    cb = load_codebook(path)
    blocks = [f"Source: `{path.name}` (version {cb.version}; languages: {', '.join(cb.languages)})."]
    for f in cb.factors:
        lines = [f"## {f.id} {f.name.en} {{#sec-codebook-{f.id.lower()}}}", ""]
        others = [f"{lang}: {f.name.get(lang)}" for lang in cb.languages if lang != "en" and f.name.get(lang)]
        if others:
            lines += [f"_{' · '.join(others)}_", ""]
        lines += [" ".join(f.definition.en.split()), ""]
        lines += ["**Include when**", "", *(f"- {x}" for x in f.inclusion), ""]
        lines += ["**Exclude when**", "", *(f"- {x}" for x in f.exclusion), ""]
        lines += ["**Indicators**", "", *(f"- {x}" for x in f.indicators), ""]
        lines += ["**Anchor examples** (fictional)", ""]
        for lang, texts in f.anchors.items():
            lines += [f"- _{lang}_: " + " · ".join(f"“{t}”" for t in texts)]
        lines += [""]
        if f.subcodes:
            lines += ["**Sub-codes**", ""]
            lines += [f"- `{sc.id}` **{sc.name.en}**: {' '.join(sc.definition.en.split())}" for sc in f.subcodes]
            lines += [""]
        lines += [f"**Source in the seed report:** “{' '.join(f.provenance.split())}”", ""]
        if f.lexicon:
            lex = "\n".join(f"- _{lang}_: " + ", ".join(f"`{p}`" for p in pats) for lang, pats in f.lexicon.items())
            lines += [f"<details><summary>Auto-coding lexicon</summary>\n\n{lex}\n\n</details>", ""]
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)
