"""Country formats (``redaction/countries/<code>.yml``): phones, IDs, plates, address words as data.

A team replicating the study elsewhere adds a file for its country instead of code. A file
may also list the country's regions, districts and towns (`places`) for the place recognizer. Each
pattern is a regular expression with a label, a base score, optional context words that
raise the score, and an optional checksum/structure validator by name (Luhn for cards, the
date of birth in a Kyrgyz personal number, the Kazakh IIN check digit). Patterns are
compiled on load, so a bad expression fails with the file and the pattern's name.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from unreported.cache import dumps, sha256_bytes
from unreported.config import PII_LABELS, load_yaml_model
from unreported.errors import ConfigError

Validator = Literal["luhn", "kg_pin", "kz_iin", "ru_snils"]


class PatternSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str
    label: str
    regex: str
    score: float = Field(default=0.6, ge=0.0, le=1.0)
    validator: Validator | None = None
    context: list[str] = Field(default_factory=list, description="Words near a match that raise its score.")
    case_sensitive: bool = False

    @field_validator("label")
    @classmethod
    def _label(cls, v: str) -> str:
        if v not in PII_LABELS:
            raise ValueError(f"unknown PII label {v!r}; use one of {', '.join(PII_LABELS)}")
        return v

    @field_validator("regex")
    @classmethod
    def _compiles(cls, v: str) -> str:
        try:
            re.compile(v)
        except re.error as exc:
            raise ValueError(f"invalid regular expression ({exc})") from None
        return v


class CountryFormats(BaseModel):
    """The contents of one ``redaction/countries/<code>.yml``."""

    model_config = ConfigDict(extra="forbid")

    country: str = Field(pattern=r"^[A-Z]{2}$")
    phone_regions: list[str] = Field(default_factory=list, description="phonenumbers regions to parse phones with.")
    patterns: list[PatternSpec] = Field(default_factory=list)
    street_words: dict[str, list[str]] = Field(
        default_factory=dict, description="Per language: words that make a place an address (ул., мкр., köchösü)."
    )
    places: list[str] = Field(
        default_factory=list,
        description="Places below country level (regions, districts, cities, towns, markets) NER models miss, "
        "in their base form, one spelling per script; inflected forms are matched "
        "(unreported.redaction.recognizers.places).",
    )


def load_country_formats(paths: list[Path]) -> list[CountryFormats]:
    out = []
    for path in paths:
        cf = load_yaml_model(Path(path), CountryFormats)
        if Path(path).stem.upper() != cf.country:
            raise ConfigError(f"file is named {Path(path).stem} but says country: {cf.country}", path=path)
        out.append(cf)
    return out


def formats_fingerprint(formats: list[CountryFormats]) -> str:
    return sha256_bytes(dumps([f.model_dump(mode="json") for f in formats]).encode("utf-8"))
