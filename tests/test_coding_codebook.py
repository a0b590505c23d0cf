"""The codebook and the recommendations load, validate, and fail with the file and the field."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from unreported.coding.codebook import load_codebook
from unreported.coding.recommendations import load_recommendations
from unreported.config import FACTOR_IDS
from unreported.errors import ConfigError


@pytest.fixture(scope="module")
def codebook_path(project_root: Path) -> Path:
    return project_root / "coding" / "codebook.yml"


@pytest.fixture(scope="module")
def recs_path(project_root: Path) -> Path:
    return project_root / "coding" / "recommendations.yml"


def _norm(s: str) -> str:
    return re.sub(r"\s+", " ", s).strip()


def test_codebook_has_every_factor_in_three_languages(codebook_path: Path) -> None:
    cb = load_codebook(codebook_path)
    assert cb.codes == list(FACTOR_IDS)
    for f in cb.factors:
        for lang in ("en", "ru", "ky"):
            assert f.name.get(lang) and f.definition.get(lang), (f.id, lang)
            assert 2 <= len(f.anchors[lang]) <= 4
            assert f.lexicon.get(lang), (f.id, lang)
        assert f.inclusion and f.exclusion and f.indicators
    f4 = {s.id for s in cb.factor("F4").subcodes}
    assert {"F4.incompetence", "F4.corruption", "F4.approach"} <= f4


def test_provenance_is_verbatim_from_the_seed_report(codebook_path: Path, project_root: Path) -> None:
    seed = project_root.parent / "shared" / "seed" / "000_a6a89e41dec02169.txt"
    if not seed.is_file():
        pytest.skip("seed report not present")
    report = _norm(seed.read_text(encoding="utf-8"))
    cb = load_codebook(codebook_path)
    for f in cb.factors:
        assert _norm(f.provenance) in report, f.id
        for s in f.subcodes:
            assert _norm(s.provenance) in report, s.id


def _write(tmp_path: Path, data: dict, name: str = "codebook.yml") -> Path:
    p = tmp_path / name
    p.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return p


@pytest.mark.parametrize(
    "mutate, message",
    [
        (lambda d: d["factors"].pop(), "factor(s) missing: F7"),
        (lambda d: d["factors"][0].update(id="F9"), "unknown factor id 'F9'"),
        (lambda d: d["factors"][1]["definition"].pop("ky"), "F2.definition: no text for language 'ky'"),
        (lambda d: d["factors"][2]["anchors"].update(en=["only one"]), "needs 2 to 4 anchor examples"),
        (lambda d: d["factors"][3]["lexicon"]["en"].append("a | b"), "lexicon.en"),
        (lambda d: d["factors"][3]["subcodes"][0].update(id="F5.x"), "must start with 'F4.'"),
    ],
)
def test_broken_codebook_names_file_and_field(codebook_path: Path, tmp_path: Path, mutate, message: str) -> None:
    data = yaml.safe_load(codebook_path.read_text(encoding="utf-8"))
    mutate(data)
    path = _write(tmp_path, data)
    with pytest.raises(ConfigError) as err:
        load_codebook(path)
    assert str(path) in str(err.value)
    assert message in str(err.value)


def test_recommendations_cover_the_report_and_every_factor(recs_path: Path) -> None:
    recs = load_recommendations(recs_path)
    groups = {r.group for r in recs.recommendations}
    assert sum(r.group.startswith("Summary") for r in recs.recommendations) == 8
    assert sum(r.group.startswith("Recommendations received") for r in recs.recommendations) == 6
    assert len(groups) == 12  # summary, survey, and the ten grouped headings of the report
    for f in FACTOR_IDS:
        assert recs.for_factor(f), f
    for r in recs.recommendations:
        assert all(link.rationale for link in r.factors)


def test_recommendation_texts_are_from_the_seed_report(recs_path: Path, project_root: Path) -> None:
    seed = project_root.parent / "shared" / "seed" / "000_a6a89e41dec02169.txt"
    if not seed.is_file():
        pytest.skip("seed report not present")
    report = _norm(seed.read_text(encoding="utf-8").replace("**", ""))
    for r in load_recommendations(recs_path).recommendations:
        first = _norm(r.text.split(":")[0])[:60]
        assert first in report, r.id
        assert r.group in report or r.group.startswith("Summary"), r.id


def test_unknown_factor_in_a_recommendation_names_file_and_entry(recs_path: Path, tmp_path: Path) -> None:
    data = yaml.safe_load(recs_path.read_text(encoding="utf-8"))
    data["recommendations"][3]["factors"][0]["factor"] = "F8"
    path = _write(tmp_path, data, "recommendations.yml")
    with pytest.raises(ConfigError) as err:
        load_recommendations(path)
    msg = str(err.value)
    assert str(path) in msg and data["recommendations"][3]["id"] in msg and "F8" in msg


def test_a_factor_without_recommendation_is_an_error(recs_path: Path, tmp_path: Path) -> None:
    data = yaml.safe_load(recs_path.read_text(encoding="utf-8"))
    for r in data["recommendations"]:
        r["factors"] = [link for link in r["factors"] if link["factor"] != "F5"] or [{"factor": "F4", "rationale": "a placeholder link for the test"}]
    path = _write(tmp_path, data, "recommendations.yml")
    with pytest.raises(ConfigError, match="no recommendation answers factor"):
        load_recommendations(path)
