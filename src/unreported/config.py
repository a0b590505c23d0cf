"""The study configuration (``study.yml``) and every path the stages share.

Paths are defined here and nowhere else: notebooks, the CLI and the stages ask a
:class:`Study` for them. Every study-specific YAML file (codebook, recommendations,
redaction policy, country formats) is loaded through :func:`load_yaml_model`, so a broken
file always fails the same way: a :class:`~unreported.errors.ConfigError` naming the file
and the field.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Literal, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from unreported.errors import ConfigError

#: The root of the project checkout (``src/unreported/config.py`` → three levels up).
PROJECT_ROOT = Path(__file__).resolve().parents[2]
#: The study file every command uses unless told otherwise.
DEFAULT_STUDY_FILE = PROJECT_ROOT / "study.yml"
#: Environment variable that points every command and notebook at another study file.
STUDY_ENV = "UNREPORTED_STUDY"

FACTOR_IDS: tuple[str, ...] = ("F1", "F2", "F3", "F4", "F5", "F6", "F7")
PII_LABELS: tuple[str, ...] = (
    "PERSON",
    "LOCATION",
    "ORGANIZATION",
    "PHONE_NUMBER",
    "EMAIL_ADDRESS",
    "ID_NUMBER",
    "ADDRESS",
    "DATE",
    "USERNAME",
)
RESPONDENT_GROUPS: tuple[str, ...] = (
    "VoT",
    "CSO",
    "police",
    "prosecutor",
    "judge",
    "lawyer",
    "migration_service",
    "international_org",
    "expert",
    "government",
)

M = TypeVar("M", bound=BaseModel)


def _format_validation_error(exc: ValidationError) -> str:
    parts = []
    for err in exc.errors():
        loc = ".".join(str(p) for p in err["loc"]) or "(top level)"
        parts.append(f"{loc}: {err['msg']}")
    return "; ".join(parts)


def read_yaml(path: Path) -> Any:
    """Parse a YAML file, turning every failure into a ConfigError that names the file."""
    path = Path(path)
    if not path.is_file():
        raise ConfigError("file not found", path=path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(f"not UTF-8 text (byte {exc.start})", path=path) from None
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        line = None
        mark = getattr(exc, "problem_mark", None)
        if mark is not None:
            line = mark.line + 1
        problem = getattr(exc, "problem", None) or "invalid YAML"
        raise ConfigError(f"invalid YAML: {problem}", path=path, line=line) from None


def load_yaml_model(path: Path, model: type[M]) -> M:
    """Load ``path`` and validate it against the pydantic ``model``."""
    data = read_yaml(path)
    if data is None:
        raise ConfigError("file is empty", path=path)
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(f"invalid {model.__name__}: {_format_validation_error(exc)}", path=path) from None


class StudyConfig(BaseModel):
    """The contents of ``study.yml``. Relative paths are relative to that file's folder."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(description="Short name of the study; used in pseudonym keys and report titles.")
    title: str = Field(default="", description="Human-readable title for the reports.")
    country: str = Field(description="ISO 3166-1 alpha-2 code of the country studied, e.g. KG.")
    languages: list[Literal["en", "ru", "ky", "kk", "tg", "uz"]] = Field(
        description="Languages of the transcripts (ISO 639-1)."
    )
    corpus: Path = Field(
        default=Path("corpus/synthetic"),
        description="Folder with manifest.csv and the transcripts. A real study points it at corpus/raw.",
    )
    synthetic: bool = Field(
        default=False,
        description="True only for the bundled fictional corpus: allows the documented demo key secret.",
    )
    codebook: Path = Field(default=Path("coding/codebook.yml"))
    recommendations: Path = Field(default=Path("coding/recommendations.yml"))
    coding_examples: Path | None = Field(
        default=None,
        description="Coded example answers (a .jsonl file or a folder of them) that train the coder beside the coded units.",
    )
    redaction_policy: Path = Field(default=Path("redaction/policy.yml"))
    country_formats: list[str] = Field(
        default_factory=lambda: ["KG", "KZ", "RU"],
        description="Country-format files to load from redaction/countries/ (by ISO code).",
    )
    output: Path = Field(default=Path("output"), description="Folder for every derived file.")
    key_file: Path | None = Field(
        default=None,
        description="Encrypted pseudonym key. Default: ~/.unreported/keys/<name>.key (outside corpus/).",
    )
    seed: int = Field(default=42, description="Seed for every random step (topic model, bootstrap).")

    @field_validator("country")
    @classmethod
    def _country_code(cls, v: str) -> str:
        if len(v) != 2 or not v.isalpha():
            raise ValueError("must be a two-letter ISO country code such as KG")
        return v.upper()

    @field_validator("country_formats")
    @classmethod
    def _format_codes(cls, v: list[str]) -> list[str]:
        return [c.upper() for c in v]


class Study:
    """A loaded study: its configuration plus every path derived from it."""

    def __init__(self, config: StudyConfig, base_dir: Path, source: Path | None = None) -> None:
        self.config = config
        self.base_dir = Path(base_dir).resolve()
        self.source = source

    @classmethod
    def load(cls, path: Path | str | None = None) -> Study:
        """Load ``path``, else ``$UNREPORTED_STUDY``, else the project's ``study.yml``."""
        if path is None:
            path = os.environ.get(STUDY_ENV) or DEFAULT_STUDY_FILE
        path = Path(path).expanduser().resolve()
        config = load_yaml_model(path, StudyConfig)
        return cls(config, path.parent, source=path)

    def resolve(self, p: Path) -> Path:
        p = Path(p).expanduser()
        return p if p.is_absolute() else (self.base_dir / p)

    @property
    def name(self) -> str:
        return self.config.name

    # --- inputs -----------------------------------------------------------------------
    @property
    def corpus_dir(self) -> Path:
        return self.resolve(self.config.corpus)

    @property
    def manifest_path(self) -> Path:
        return self.corpus_dir / "manifest.csv"

    @property
    def codebook_path(self) -> Path:
        return self.resolve(self.config.codebook)

    @property
    def recommendations_path(self) -> Path:
        return self.resolve(self.config.recommendations)

    @property
    def coding_examples_path(self) -> Path | None:
        return self.resolve(self.config.coding_examples) if self.config.coding_examples is not None else None

    @property
    def policy_path(self) -> Path:
        return self.resolve(self.config.redaction_policy)

    @property
    def country_format_paths(self) -> list[Path]:
        folder = self.policy_path.parent / "countries"
        return [folder / f"{code.lower()}.yml" for code in self.config.country_formats]

    @property
    def key_path(self) -> Path:
        if self.config.key_file is not None:
            return self.resolve(self.config.key_file)
        return Path.home() / ".unreported" / "keys" / f"{self.config.name}.key"

    # --- outputs ------------------------------------------------------------------------
    @property
    def output_dir(self) -> Path:
        return self.resolve(self.config.output)

    def stage_dir(self, stage: str) -> Path:
        """Output folder of one stage: ``output/<stage>/`` (redacted, coding, topics, reports...)."""
        return self.output_dir / stage

    @property
    def redacted_dir(self) -> Path:
        return self.stage_dir("redacted")

    @property
    def coding_dir(self) -> Path:
        return self.stage_dir("coding")

    @property
    def topics_dir(self) -> Path:
        return self.stage_dir("topics")

    @property
    def reports_dir(self) -> Path:
        return self.stage_dir("reports")

    @property
    def notebooks_out_dir(self) -> Path:
        return self.stage_dir("notebooks")
