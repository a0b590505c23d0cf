"""Topic modelling: reproducible, offline BERTopic over redacted coding units.

``fit_topics`` fits one model per language (see :mod:`.model`); :mod:`.align` sets topics
against the seven factors and flags emergent themes; :mod:`.stage` runs the whole stage with
content-hash caching. Names are imported lazily: BERTopic pulls in torch, which the CLI's
``--help`` should not wait for.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

_EXPORTS = {
    "TopicFit": "model", "TopicSettings": "model", "fit_topics": "model",
    "OUTPUTS": "stage", "fit_file": "stage", "load_settings": "stage", "run_topics": "stage",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(import_module(f"unreported.topics.{_EXPORTS[name]}"), name)
    raise AttributeError(name)
