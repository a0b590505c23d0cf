"""Topic modelling with the shipped models (slow): the English sentence model loads offline
from its wheel, and the default pipeline is reproducible run to run."""

from __future__ import annotations

import numpy as np
import pytest

from unreported.topics.embed import MiniLMEmbedder, NavecEmbedder, minilm_path
from unreported.topics.model import TopicSettings, fit_topics

from test_topics import make_units

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def en_fits():
    units = make_units(120, seed=4)
    args = ([u["id"] for u in units], [u["text"] for u in units], [u["lang"] for u in units])
    return units, fit_topics(*args, TopicSettings(seed=11)), fit_topics(*args, TopicSettings(seed=11))


def test_minilm_loads_from_the_wheel_without_network() -> None:
    # pytest-socket blocks every non-loopback connection: a hub call would fail here
    assert (minilm_path() / "model.safetensors").is_file()
    vecs = MiniLMEmbedder().embed(["they took my passport", "the police took a bribe", "they kept my passport"])
    assert vecs.shape == (3, 384)
    assert np.allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-4)
    assert vecs[0] @ vecs[2] > vecs[0] @ vecs[1]


def test_navec_embeds_russian_offline() -> None:
    vecs = NavecEmbedder().embed(["Я должна была отдать долг", "Полиция взяла взятку", "Мне пришлось отдавать долги"])
    assert vecs.shape == (3, 300)
    assert vecs[0] @ vecs[2] > vecs[0] @ vecs[1]


def test_default_pipeline_is_reproducible_and_separates_themes(en_fits) -> None:
    units, a, b = en_fits
    assert a.runs[0].backend["backend"] == "minilm"
    assert a.topics == b.topics
    assert {t: i.keywords for t, i in a.info.items()} == {t: i.keywords for t, i in b.info.items()}
    # every topic is dominated by one of the generated themes
    for t in a.info:
        themes = [u["theme"] for u, tt in zip(units, a.topics) if tt == t]
        assert max(themes.count(x) for x in set(themes)) / len(themes) >= 0.8
