"""The seed report's recommendations (``coding/recommendations.yml``) as validated data.

Reports tie every finding to the recommendations that answer it, so a link to a factor that
does not exist, or a factor that no recommendation answers, is an error at load time — named
by file and entry — rather than a silent gap in a rendered report.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from unreported.config import FACTOR_IDS, read_yaml
from unreported.errors import ConfigError


class FactorLink(BaseModel):
    model_config = ConfigDict(extra="forbid")

    factor: str
    rationale: str = Field(min_length=10, description="One line: why this recommendation answers the factor.")

    @field_validator("factor")
    @classmethod
    def _known(cls, v: str) -> str:
        if v not in FACTOR_IDS:
            raise ValueError(f"unknown factor {v!r}; expected one of {', '.join(FACTOR_IDS)}")
        return v


class Recommendation(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(min_length=1)
    group: str = Field(min_length=1)
    text: str = Field(min_length=10)
    addressee: list[str] = Field(min_length=1)
    factors: list[FactorLink] = Field(min_length=1)

    @property
    def factor_ids(self) -> list[str]:
        return [f.factor for f in self.factors]


class Recommendations(BaseModel):
    model_config = ConfigDict(extra="forbid")

    version: int = 1
    addressees: dict[str, str] = Field(min_length=1)
    recommendations: list[Recommendation] = Field(min_length=1)

    def for_factor(self, factor: str) -> list[Recommendation]:
        return [r for r in self.recommendations if factor in r.factor_ids]


def load_recommendations(path: Path) -> Recommendations:
    """Load and validate; every error names the file and the entry (by id or position)."""
    path = Path(path)
    data = read_yaml(path)
    if not isinstance(data, dict) or not isinstance(data.get("recommendations"), list):
        raise ConfigError("expected a mapping with a `recommendations:` list", path=path)
    for i, item in enumerate(data["recommendations"]):
        label = item.get("id", f"#{i + 1}") if isinstance(item, dict) else f"#{i + 1}"
        try:
            Recommendation.model_validate(item)
        except ValidationError as exc:
            msgs = "; ".join(f"{'.'.join(str(p) for p in e['loc']) or '(entry)'}: {e['msg']}" for e in exc.errors())
            raise ConfigError(f"recommendation {label}: {msgs}", path=path) from None
    try:
        recs = Recommendations.model_validate(data)
    except ValidationError as exc:
        msgs = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors())
        raise ConfigError(f"invalid recommendations: {msgs}", path=path) from None
    ids = [r.id for r in recs.recommendations]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise ConfigError(f"recommendation id(s) used twice: {', '.join(dupes)}", path=path)
    for r in recs.recommendations:
        unknown = [a for a in r.addressee if a not in recs.addressees]
        if unknown:
            raise ConfigError(f"recommendation {r.id}: unknown addressee(s) {unknown}; declare them under `addressees:`", path=path)
    unanswered = [f for f in FACTOR_IDS if not recs.for_factor(f)]
    if unanswered:
        raise ConfigError(f"no recommendation answers factor(s) {', '.join(unanswered)}", path=path)
    return recs
