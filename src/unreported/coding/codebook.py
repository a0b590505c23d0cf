"""The codebook (``coding/codebook.yml``): the seven factors as validated data.

The codebook is study data, not code: a team replicating the study in another country edits
the YAML (adds a language, sharpens an anchor) and every consumer — the auto-coder, the QDA
export, the coding sheet, the reports — sees the change. Validation runs on load so that a
broken codebook fails with the file and the field, never half-way through a run.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from unreported.config import FACTOR_IDS, load_yaml_model


class Localized(BaseModel):
    """A text in several languages, keyed by ISO 639-1 code (``en`` is always required)."""

    model_config = ConfigDict(extra="allow")

    en: str

    def get(self, lang: str) -> str | None:
        value = getattr(self, lang, None) if lang == "en" else (self.model_extra or {}).get(lang)
        return value if isinstance(value, str) and value.strip() else None

    def languages(self) -> list[str]:
        return ["en", *sorted((self.model_extra or {}).keys())]


class SubCode(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str
    name: Localized
    definition: Localized
    provenance: str = Field(min_length=10, description="The seed-report sentence it rests on, verbatim.")


class Factor(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str
    name: Localized
    definition: Localized
    inclusion: list[str] = Field(min_length=1)
    exclusion: list[str] = Field(min_length=1)
    indicators: list[str] = Field(min_length=1)
    anchors: dict[str, list[str]]
    subcodes: list[SubCode] = Field(default_factory=list)
    provenance: str = Field(min_length=10)
    lexicon: dict[str, list[str]] = Field(default_factory=dict)

    @field_validator("id")
    @classmethod
    def _known_factor(cls, v: str) -> str:
        if v not in FACTOR_IDS:
            raise ValueError(f"unknown factor id {v!r}; expected one of {', '.join(FACTOR_IDS)}")
        return v

    @field_validator("anchors")
    @classmethod
    def _anchor_count(cls, v: dict[str, list[str]]) -> dict[str, list[str]]:
        for lang, texts in v.items():
            if not 2 <= len(texts) <= 4:
                raise ValueError(f"{lang}: needs 2 to 4 anchor examples, found {len(texts)}")
        return v

    @model_validator(mode="after")
    def _subcode_prefix(self) -> Factor:
        seen = set()
        for sub in self.subcodes:
            if not sub.id.startswith(self.id + "."):
                raise ValueError(f"sub-code {sub.id!r} must start with {self.id + '.'!r}")
            if sub.id in seen:
                raise ValueError(f"sub-code {sub.id!r} appears twice")
            seen.add(sub.id)
        from unreported.coding.lexicon import PatternError, compile_pattern

        for lang, patterns in self.lexicon.items():
            for i, pattern in enumerate(patterns):
                try:
                    compile_pattern(pattern)
                except PatternError as exc:
                    raise ValueError(f"lexicon.{lang}[{i}]: {exc}") from None
        return self

    def anchors_for(self, lang: str) -> list[str]:
        return list(self.anchors.get(lang, []))


class Codebook(BaseModel):
    """The whole codebook; factors in F1…F7 order."""

    model_config = ConfigDict(extra="forbid")

    version: int = 1
    languages: list[str] = Field(min_length=1)
    factors: list[Factor]

    @model_validator(mode="after")
    def _complete(self) -> Codebook:
        ids = [f.id for f in self.factors]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"factor(s) listed twice: {', '.join(dupes)}")
        missing = [i for i in FACTOR_IDS if i not in ids]
        if missing:
            raise ValueError(f"factor(s) missing: {', '.join(missing)}")
        for f in self.factors:
            for lang in self.languages:
                for what in ("name", "definition"):
                    if getattr(f, what).get(lang) is None:
                        raise ValueError(f"{f.id}.{what}: no text for language {lang!r}")
                if lang not in f.anchors:
                    raise ValueError(f"{f.id}.anchors: no anchor examples for language {lang!r}")
                for sub in f.subcodes:
                    if sub.name.get(lang) is None or sub.definition.get(lang) is None:
                        raise ValueError(f"{sub.id}: no name or definition for language {lang!r}")
        self.factors.sort(key=lambda f: FACTOR_IDS.index(f.id))
        return self

    @property
    def codes(self) -> list[str]:
        return [f.id for f in self.factors]

    def factor(self, factor_id: str) -> Factor:
        for f in self.factors:
            if f.id == factor_id:
                return f
        raise KeyError(factor_id)

    def names(self, lang: str = "en") -> dict[str, str]:
        return {f.id: f.name.get(lang) or f.name.en for f in self.factors}


def load_codebook(path: Path) -> Codebook:
    """Load and validate a codebook; errors name the file and the field."""
    return load_yaml_model(Path(path), Codebook)
