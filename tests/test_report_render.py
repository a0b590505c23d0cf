"""The fallback render (Jupyter kernel + pandoc) of the real report sources on a fake study."""

from __future__ import annotations

import json
import re
import sys
import types

import pytest
from _report_fixtures import make_fake_study

from unreported.config import Study
from unreported.errors import LeakError
from unreported.report import render


def _fake_leakcheck(hits_for: str | None):
    """A stand-in for the redaction leak checker: one hit per file containing ``hits_for``."""
    mod = types.ModuleType("unreported.redaction.leakcheck")

    def check_paths(study, paths, *, public=False):
        assert public, "rendered reports are checked with the study's public material allowed"
        return [f"{p}:1: PERSON" for p in paths if hits_for and hits_for in p.read_text(encoding="utf-8")]

    mod.check_paths = check_paths
    return mod


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    study = Study.load(make_fake_study(tmp_path_factory.mktemp("fake")))
    with pytest.MonkeyPatch.context() as mp:
        mp.setitem(sys.modules, "unreported.redaction.leakcheck", _fake_leakcheck(None))
        result = render.render_reports(study, renderer="fallback")
    return study, result


def test_pages_are_self_contained_and_marked_as_fallback(rendered):
    study, result = rendered
    assert result.renderer == "fallback"
    assert [p.name for p in result.pages] == ["index.html", "methods.html", "codebook.html"]
    for page in result.pages:
        html = page.read_text(encoding="utf-8")
        assert "Fallback render" in html
        assert not re.search(r'<(img|script)[^>]+src="(?!data:)', html), page.name
        assert not re.search(r'<link[^>]+href="(?!data:)', html), page.name
    assert json.loads((study.reports_dir / "leakcheck.json").read_text()) == {
        "files": ["index.html", "methods.html", "codebook.html"], "hits": 0, "where": []}


def test_findings_have_every_factor_section_and_the_matrix(rendered):
    study, result = rendered
    html = (study.reports_dir / "index.html").read_text(encoding="utf-8")
    for i in range(1, 8):
        section = re.search(rf'<section id="sec-f{i}".*?(?=<section id="sec-f{i + 1}"|<section id="sec-traceability")',
                            html, re.S)
        assert section, f"F{i}"
        assert "data:image/png;base64," in section.group(0), f"F{i} chart"
    f1 = re.search(r'<section id="sec-f1".*?<section id="sec-f2"', html, re.S).group(0)
    assert f1.count("— transcript <strong>") == 3
    assert "R1" in f1
    matrix = re.search(r'<section id="sec-traceability".*?</table>', html, re.S).group(0)
    for rec in ("R1", "R2", "R3"):
        assert re.search(rf"<td[^>]*>{rec}</td>", matrix), rec
    assert "355" in html and "M-Vector" in html


def test_methods_and_codebook_pages(rendered):
    study, _ = rendered
    methods = (study.reports_dir / "methods.html").read_text(encoding="utf-8")
    assert "PERSON: operator pseudonym" in methods
    assert "entries" in methods  # allow- and deny-lists are counted, never shown
    assert "kappa" in methods and "n_neighbors" in methods
    codebook = (study.reports_dir / "codebook.html").read_text(encoding="utf-8")
    assert all(f'id="sec-codebook-f{i}"' in codebook for i in range(1, 8))


def test_a_leak_in_the_html_fails_the_render(rendered, monkeypatch):
    study, result = rendered
    monkeypatch.setitem(sys.modules, "unreported.redaction.leakcheck", _fake_leakcheck("approached 18 CSOs"))
    with pytest.raises(LeakError, match="do not circulate"):
        render.check_html(study, result.pages)
    record = json.loads((study.reports_dir / "leakcheck.json").read_text())
    assert record["hits"] == 1
    assert record["where"] == [f"{study.reports_dir / 'index.html'}:1: PERSON"]
