"""Seed words (guided mode) and factor descriptions (zero-shot mode) from the codebook.

The codebook is read as plain YAML and only the fields topic modelling needs are taken, so
the topic stage keeps working while the codebook schema grows: ``factors[].id``, ``name``,
``definition`` (strings or ``{lang: text}``), ``indicators`` (comma-separated phrases, a list
or ``{lang: [...]}``) and ``anchors`` (``{lang: [sentences]}``). A missing or unreadable
codebook is not an error here: the stage falls back to unguided modelling and says so.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

from unreported.config import FACTOR_IDS, read_yaml
from unreported.errors import ConfigError
from unreported.topics.text import Tokenizer

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class FactorText:
    id: str
    name: dict[str, str] = field(default_factory=dict)
    definition: dict[str, str] = field(default_factory=dict)
    indicators: dict[str, list[str]] = field(default_factory=dict)
    anchors: dict[str, list[str]] = field(default_factory=dict)

    def seed_words(self, lang: str) -> list[str]:
        """Indicator phrases in ``lang``; else the factor's name and anchors' content words."""
        if self.indicators.get(lang):
            return list(self.indicators[lang])
        tok = Tokenizer(lang)
        seeds: list[str] = []
        for text in [self.name.get(lang, "")] + self.anchors.get(lang, []):
            for w in tok(text):
                if w not in seeds:
                    seeds.append(w)
        return seeds

    def description(self, lang: str) -> str | None:
        name, definition = self.name.get(lang), self.definition.get(lang)
        if not name and not definition:
            return None
        return ": ".join(s for s in (name, definition) if s)


def _per_lang(value, default_lang: str = "en") -> dict[str, str]:
    if isinstance(value, dict):
        return {str(k): " ".join(str(value[k]).split()) for k in value if value[k]}
    if isinstance(value, str) and value.strip():
        return {default_lang: " ".join(value.split())}
    return {}


def _phrases(value) -> list[str]:
    items = value if isinstance(value, list) else [value]
    out: list[str] = []
    for item in items:
        for p in str(item).split(","):
            p = " ".join(p.split())
            if p and p not in out:
                out.append(p)
    return out


def _per_lang_list(value, default_lang: str = "en") -> dict[str, list[str]]:
    if isinstance(value, dict):
        return {str(k): _phrases(v) for k, v in value.items() if v}
    if value:
        return {default_lang: _phrases(value)}
    return {}


def load_factor_texts(path: Path | None) -> list[FactorText]:
    """The factors' texts from ``path``; ``[]`` (with a logged reason) when unavailable."""
    if path is None or not Path(path).is_file():
        log.warning("no codebook at %s: guided and zero-shot modes fall back to unguided", path)
        return []
    try:
        data = read_yaml(Path(path))
    except ConfigError as exc:
        log.warning("codebook unreadable (%s): guided and zero-shot modes fall back to unguided", exc)
        return []
    factors = data.get("factors") if isinstance(data, dict) else None
    if isinstance(factors, dict):
        factors = [{"id": k, **(v or {})} for k, v in factors.items()]
    if not isinstance(factors, list):
        log.warning("%s has no 'factors' list: guided and zero-shot modes fall back to unguided", path)
        return []
    out = []
    for f in factors:
        if not isinstance(f, dict) or str(f.get("id")) not in FACTOR_IDS:
            continue
        anchors = f.get("anchors") or {}
        out.append(
            FactorText(
                id=str(f["id"]),
                name=_per_lang(f.get("name")),
                definition=_per_lang(f.get("definition")),
                indicators=_per_lang_list(f.get("indicators")),
                anchors={str(k): [str(s) for s in v] for k, v in anchors.items()} if isinstance(anchors, dict)
                else ({"en": [str(s) for s in anchors]} if isinstance(anchors, list) else {}),
            )
        )
    return sorted(out, key=lambda f: f.id)
