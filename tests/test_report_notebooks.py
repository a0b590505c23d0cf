"""Notebook outputs never enter git: committed notebooks are clean and the git filter strips them."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("*.ipynb"))


def test_there_are_notebooks():
    assert [p.name for p in NOTEBOOKS if p.name.startswith("05_")] == ["05_report.ipynb"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_committed_notebook_has_no_outputs(path):
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "code":
            assert cell.outputs == [], f"{path.name} cell {i} has outputs"
            assert cell.execution_count is None, f"{path.name} cell {i} has an execution count"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_takes_the_study_as_parameter(path):
    nb = nbformat.read(path, as_version=4)
    params = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(params) == 1 and params[0].source.strip().startswith("study ="), path.name


def test_gitattributes_routes_notebooks_through_nbstripout(project_root):
    lines = (project_root / ".gitattributes").read_text().splitlines()
    assert "*.ipynb filter=nbstripout" in lines


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_git_filter_strips_outputs_on_add(tmp_path, project_root):
    """What `make setup` installs: a notebook added with outputs is stored without them."""
    run = lambda *a: subprocess.run(a, cwd=tmp_path, check=True, capture_output=True, text=True)  # noqa: E731
    run("git", "init", "-q")
    shutil.copy(project_root / ".gitattributes", tmp_path / ".gitattributes")
    run(sys.executable, "-m", "nbstripout", "--install")
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("print(1)", execution_count=3)
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="1\n")]
    nb.cells = [cell]
    nbformat.write(nb, tmp_path / "n.ipynb")
    run("git", "add", "n.ipynb")
    stored = json.loads(run("git", "show", ":n.ipynb").stdout)
    assert stored["cells"][0]["outputs"] == []
    assert stored["cells"][0]["execution_count"] is None
