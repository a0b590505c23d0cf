"""run_study: order, caching by content, reruns of what depends on a change, clear failures.

Uses two tiny notebooks (no models) so that it runs in seconds with a real kernel.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from _report_fixtures import make_fake_study

from unreported.config import Study
from unreported.errors import UnreportedError
from unreported.pipeline import Step, run_study


def _notebook(path: Path, body: str) -> None:
    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell('study = "study.yml"')
    params.metadata["tags"] = ["parameters"]
    nb.cells = [params, nbformat.v4.new_code_cell(body)]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "python3", "language": "python"}
    nbformat.write(nb, path)


@pytest.fixture()
def setup(tmp_path):
    study = Study.load(make_fake_study(tmp_path / "study"))
    nbs = tmp_path / "notebooks"
    nbs.mkdir()
    # a: copies the codebook into output/a; b: counts the lines that a wrote.
    _notebook(nbs / "a.ipynb", (
        "from unreported.config import Study\n"
        "s = Study.load(study)\n"
        "(s.output_dir / 'a').mkdir(exist_ok=True)\n"
        "(s.output_dir / 'a' / 'out.txt').write_text(s.codebook_path.read_text())\n"
    ))
    _notebook(nbs / "b.ipynb", (
        "from unreported.config import Study\n"
        "s = Study.load(study)\n"
        "n = len((s.output_dir / 'a' / 'out.txt').read_text().splitlines())\n"
        "(s.output_dir / 'b.txt').write_text(str(n))\n"
    ))
    steps = (
        Step("a", "copy", lambda s: [s.codebook_path], lambda s: [s.output_dir / "a" / "out.txt"], ()),
        Step("b", "count", lambda s: [s.output_dir / "a" / "out.txt"], lambda s: [s.output_dir / "b.txt"], ()),
        Step("c", "not written yet", lambda s: [], lambda s: [], ()),
    )
    return study, nbs, steps


def _statuses(results):
    return [r.status for r in results]


def test_cached_rerun_and_change_redoes_dependants(setup):
    study, nbs, steps = setup
    first = run_study(study, steps=steps, notebooks_dir=nbs)
    assert _statuses(first) == ["ran", "ran", "missing"]
    assert (study.notebooks_out_dir / "a.ipynb").is_file()
    executed = nbformat.read(study.notebooks_out_dir / "b.ipynb", as_version=4)
    assert any("injected-parameters" in c.metadata.get("tags", []) for c in executed.cells)

    assert _statuses(run_study(study, steps=steps, notebooks_dir=nbs)) == ["cached", "cached", "missing"]

    study.codebook_path.write_text(study.codebook_path.read_text() + "# one more line\n", encoding="utf-8")
    assert _statuses(run_study(study, steps=steps, notebooks_dir=nbs)) == ["ran", "ran", "missing"]
    assert (study.output_dir / "b.txt").read_text() == str(len(study.codebook_path.read_text().splitlines()))

    (study.output_dir / "b.txt").unlink()
    assert _statuses(run_study(study, steps=steps, notebooks_dir=nbs)) == ["cached", "ran", "missing"]
    assert _statuses(run_study(study, steps=steps, notebooks_dir=nbs, force=True))[:2] == ["ran", "ran"]


def test_failing_notebook_names_itself_and_is_not_stamped(setup):
    study, nbs, steps = setup
    _notebook(nbs / "a.ipynb", "raise ValueError('bad input file')")
    with pytest.raises(UnreportedError, match=r"notebook a failed.*ValueError") as exc:
        run_study(study, steps=steps, notebooks_dir=nbs)
    assert exc.value.path == study.notebooks_out_dir / "a.ipynb"
    assert not (study.notebooks_out_dir / ".stamps" / "a" / ".stamp.json").exists()
