"""End to end on a small subset of the bundled corpus: notebooks 01–05 and the fallback render.

Four transcripts (different groups, kinds and languages) are copied with a filtered manifest
into a temporary study whose output also lives in the temporary folder; the real codebook,
recommendations and redaction policy are used. Then a second run must skip every step.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import time

import pytest
import yaml

from unreported.config import PROJECT_ROOT, Study
from unreported.errors import UnreportedError
from unreported.pipeline import STEPS, run_study
from unreported.report.data import load_recommendations

pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.timeout(1800)]

SYNTHETIC = PROJECT_ROOT / "corpus" / "synthetic"


def _pick(rows: list[dict]) -> list[dict]:
    """One VoT interview (ru), one CSO interview, one official, one focus group (ky)."""
    wanted = [
        lambda r: r["respondent_group"] == "VoT" and r["kind"] == "IDI" and r["language"] == "ru",
        lambda r: r["respondent_group"] == "CSO" and r["kind"] == "IDI",
        lambda r: r["respondent_group"] in ("police", "prosecutor", "judge") and r["kind"] == "IDI",
        lambda r: r["kind"] == "FGD" and r["language"] == "ky",
    ]
    chosen: list[dict] = []
    for pred in wanted:
        match = next((r for r in rows if pred(r) and r not in chosen and r["consent"] == "yes"), None)
        if match is None:
            pytest.skip("the bundled corpus lacks a transcript this subset needs")
        chosen.append(match)
    return chosen


@pytest.fixture(scope="module")
def small_study(tmp_path_factory) -> Study:
    manifest = SYNTHETIC / "manifest.csv"
    if not manifest.is_file():
        pytest.skip("the bundled corpus is not built (python -m unreported.synthetic)")
    root = tmp_path_factory.mktemp("e2e")
    rows = list(csv.DictReader(io.StringIO(manifest.read_text(encoding="utf-8-sig"))))
    chosen = _pick(rows)
    corpus = root / "corpus"
    for r in chosen:
        (corpus / r["file"]).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(SYNTHETIC / r["file"], corpus / r["file"])
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0].keys()), lineterminator="\n")
    writer.writeheader()
    writer.writerows(chosen)
    (corpus / "manifest.csv").write_text(out.getvalue(), encoding="utf-8")
    base = yaml.safe_load((PROJECT_ROOT / "study.yml").read_text(encoding="utf-8"))
    base.update(
        name="e2e-small",
        corpus=str(corpus),
        output=str(root / "output"),
        key_file=str(root / "keys" / "e2e-small.key"),
        codebook=str(PROJECT_ROOT / base.get("codebook", "coding/codebook.yml")),
        recommendations=str(PROJECT_ROOT / base.get("recommendations", "coding/recommendations.yml")),
        redaction_policy=str(PROJECT_ROOT / base.get("redaction_policy", "redaction/policy.yml")),
    )
    if base.get("coding_examples"):
        base["coding_examples"] = str(PROJECT_ROOT / base["coding_examples"])
    (root / "study.yml").write_text(yaml.safe_dump(base, allow_unicode=True), encoding="utf-8")
    return Study.load(root / "study.yml")


@pytest.fixture(scope="module")
def runs(small_study, monkeypatch_module):
    """The cold run and the rerun; a failure is kept so each test can say what it means for it."""
    monkeypatch_module.setenv("UNREPORTED_RENDERER", "fallback")
    try:
        t0 = time.perf_counter()
        cold = run_study(small_study)
        cold_s = time.perf_counter() - t0
        t1 = time.perf_counter()
        warm = run_study(small_study)
        print(f"\ne2e timings: cold {cold_s:.1f} s, rerun with nothing changed {time.perf_counter() - t1:.1f} s")
    except UnreportedError as exc:
        return exc
    return cold, warm


def _ok(runs):
    if isinstance(runs, Exception):
        pytest.fail(f"the study run failed: {runs}")
    return runs


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as mp:
        yield mp


def test_every_step_exists_and_ran(runs):
    cold, _ = _ok(runs)
    assert [r.name for r in cold] == [s.name for s in STEPS]
    assert [r.status for r in cold] == ["ran"] * len(STEPS)


def test_rerun_with_nothing_changed_skips_every_step(runs):
    _, warm = _ok(runs)
    assert [r.status for r in warm] == ["cached"] * len(STEPS)


def test_findings_have_every_factor_with_chart_quotes_and_recommendation(runs, small_study):
    html = (small_study.reports_dir / "index.html").read_text(encoding="utf-8")
    assert "Fallback render" in html
    for i in range(1, 8):
        nxt = f'<section id="sec-f{i + 1}"' if i < 7 else '<section id="sec-traceability"'
        section = html[html.index(f'<section id="sec-f{i}"'):html.index(nxt)]
        assert "data:image/png;base64," in section, f"F{i}: chart"
        assert section.count("— transcript <strong>") >= 1, f"F{i}: no quote"
        answers = section[section.index(f"Recommendations that answer F{i}"):]
        assert "<li><strong>" in answers, f"F{i}: no linked recommendation"


def test_traceability_matrix_lists_every_recommendation(runs, small_study):
    html = (small_study.reports_dir / "index.html").read_text(encoding="utf-8")
    start = html.index('<section id="sec-traceability"')
    matrix = html[start:html.index("</table>", start)]
    for rec in load_recommendations(small_study.recommendations_path):
        assert re.search(rf"<td[^>]*>{re.escape(rec.id)}</td>", matrix), rec.id


def test_leak_check_over_rendered_html_is_clean(runs, small_study):
    result = json.loads((small_study.reports_dir / "leakcheck.json").read_text(encoding="utf-8"))
    assert result["hits"] == 0, "\n".join(result.get("where", []))
    assert set(result["files"]) == {"index.html", "methods.html", "codebook.html"}


def test_executed_notebooks_are_in_the_output_folder(runs, small_study):
    _ok(runs)
    names = sorted(p.name for p in small_study.notebooks_out_dir.glob("*.ipynb"))
    assert names == [f"{s.name}.ipynb" for s in STEPS]
