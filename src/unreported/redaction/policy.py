"""The redaction policy (``redaction/policy.yml``): what is PII, how it is replaced, what is kept.

Validated on load; a broken policy fails with a ConfigError naming the file and the field,
before any transcript is read. The policy hash is part of every cache key, so editing it
redoes every transcript.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from unreported.cache import dumps, sha256_bytes
from unreported.config import PII_LABELS, load_yaml_model

Operator = Literal["pseudonym", "tag", "surrogate"]
Language = Literal["en", "ru", "ky", "kk", "tg", "uz"]


class EntityRule(BaseModel):
    """How one PII label is detected and replaced."""

    model_config = ConfigDict(extra="forbid")

    operator: Operator = Field(
        default="tag",
        description="pseudonym: [PERSON_07], consistent across the study; tag: [PHONE_NUMBER]; "
        "surrogate: a realistic fictional name (PERSON only).",
    )
    threshold: float = Field(default=0.5, ge=0.0, le=1.0, description="Minimum detector score.")


class DenyEntry(BaseModel):
    """A string that is always redacted (e.g. a village name NER misses)."""

    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=2)
    label: str

    @field_validator("label")
    @classmethod
    def _label(cls, v: str) -> str:
        if v not in PII_LABELS:
            raise ValueError(f"unknown PII label {v!r}; use one of {', '.join(PII_LABELS)}")
        return v


class Policy(BaseModel):
    """The contents of ``redaction/policy.yml``."""

    model_config = ConfigDict(extra="forbid")

    version: Literal[1] = 1
    languages: list[Language] = Field(min_length=1)
    entities: dict[str, EntityRule] = Field(min_length=1)
    keep_countries: bool = Field(default=True, description="Country names are not PII: keep them.")
    allow_list: list[str] = Field(default_factory=list, description="Strings never redacted.")
    deny_list: list[DenyEntry] = Field(default_factory=list)
    ambiguous_names: dict[str, list[str]] = Field(
        default_factory=dict,
        description="Per language: names that are also common words; redacted only in name context.",
    )
    name_context: dict[str, list[str]] = Field(
        default_factory=dict, description="Per language: words that announce a name (zovut, named, аты...)."
    )
    institution_words: dict[str, list[str]] = Field(
        default_factory=dict,
        description="Per language: word stems of generic public bodies; an organisation named only by them is kept.",
    )
    institution_heads: dict[str, list[str]] = Field(
        default_factory=dict,
        description="Per language: stems of state bodies; a kept organisation must contain one of them.",
    )
    gazetteer: list[Path] = Field(
        default_factory=list, description="Extra name lists (YAML), relative to the policy file."
    )
    propagate: bool = Field(default=True, description="Redact every other mention of a detected name or place.")
    pseudonym_digits: int = Field(default=2, ge=1, le=6)

    @field_validator("entities")
    @classmethod
    def _labels(cls, v: dict[str, EntityRule]) -> dict[str, EntityRule]:
        unknown = [k for k in v if k not in PII_LABELS]
        if unknown:
            raise ValueError(f"unknown PII label(s) {', '.join(unknown)}; use {', '.join(PII_LABELS)}")
        return v

    @model_validator(mode="after")
    def _surrogate_only_for_names(self) -> Policy:
        for label, rule in self.entities.items():
            if rule.operator == "surrogate" and label != "PERSON":
                raise ValueError(f"entities.{label}: operator 'surrogate' is only available for PERSON")
        return self

    def threshold(self, label: str) -> float:
        return self.entities[label].threshold

    def fingerprint(self) -> str:
        return sha256_bytes(dumps(self.model_dump(mode="json")).encode("utf-8"))


def load_policy(path: Path) -> Policy:
    return load_yaml_model(Path(path), Policy)
