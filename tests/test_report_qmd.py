"""The .qmd → notebook → Markdown conversion used by the fallback render."""

from __future__ import annotations

import nbformat
import pytest

from unreported.errors import ConfigError
from unreported.report import qmd

SRC = """---
title: "Findings"
subtitle: A test
---

Intro with a [link](methods.html).

```{python}
#| tags: [parameters]
study = "study.yml"
```

## Section

```{python}
#| output: asis
#| fig-cap: "A caption"
print("**bold** from code")
```

```{python}
#| include: false
hidden = 1
```

```{r}
not python: stays Markdown
```
"""


def test_parse_front_matter_chunks_and_options():
    doc = qmd.parse_qmd(SRC)
    assert doc.front_matter == {"title": "Findings", "subtitle": "A test"}
    kinds = [c.kind for c in doc.chunks]
    assert kinds == ["markdown", "code", "markdown", "code", "code", "markdown"]
    assert doc.chunks[1].options == {"tags": ["parameters"]}
    assert doc.chunks[3].options == {"output": "asis", "fig-cap": "A caption"}
    assert doc.chunks[3].source == 'print("**bold** from code")'
    assert doc.chunks[3].line == 15  # the opening fence
    assert "```{r}" in doc.chunks[5].source


def test_notebook_has_tagged_parameters_and_injected_values_after_them():
    nb = qmd.to_notebook(qmd.parse_qmd(SRC), "unreported")
    nbformat.validate(nb)
    qmd.inject_parameters(nb, {"study": "/abs/study.yml"})
    tags = [c.metadata.get("tags", []) for c in nb.cells]
    i = tags.index(["parameters"])
    assert tags[i + 1] == ["injected-parameters"]
    assert nb.cells[i + 1].source == "study = '/abs/study.yml'"
    assert nb.metadata.kernelspec.name == "unreported"


def _executed(nb):
    """Fill outputs as a kernel would, without starting one."""
    code = [c for c in nb.cells if c.cell_type == "code"]
    code[1].outputs = [
        nbformat.v4.new_output("stream", name="stdout", text="**bold** from code\n"),
        nbformat.v4.new_output("stream", name="stderr", text="a warning\n"),
    ]
    code[2].outputs = [nbformat.v4.new_output("stream", name="stdout", text="must not show\n")]
    return nb


def test_markdown_shows_outputs_as_quarto_would():
    md = qmd.notebook_to_markdown(_executed(qmd.to_notebook(qmd.parse_qmd(SRC))))
    assert "**bold** from code" in md and "```\n**bold**" not in md  # asis: raw Markdown
    assert "a warning" not in md
    assert "must not show" not in md  # include: false
    assert 'study = "study.yml"' not in md  # echo is off by default
    assert md.startswith("Intro with a [link](methods.html).")


def test_images_become_data_uris_with_caption():
    nb = qmd.to_notebook(qmd.parse_qmd(SRC))
    cell = [c for c in nb.cells if c.cell_type == "code"][1]
    cell.outputs = [nbformat.v4.new_output("display_data", data={"image/png": "iVBORw0KGgo=\n", "text/plain": "<Figure>"})]
    md = qmd.notebook_to_markdown(nb)
    assert "![A caption](data:image/png;base64,iVBORw0KGgo=)" in md


def test_markdown_and_html_outputs():
    nb = qmd.to_notebook(qmd.parse_qmd(SRC))
    cell = [c for c in nb.cells if c.cell_type == "code"][0]
    cell.outputs = [
        nbformat.v4.new_output("display_data", data={"text/markdown": "# Heading", "text/plain": "x"}),
        nbformat.v4.new_output("display_data", data={"text/html": "<b>t</b>", "text/plain": "x"}),
    ]
    md = qmd.notebook_to_markdown(nb)
    assert "# Heading" in md
    assert "```{=html}\n<b>t</b>\n```" in md


@pytest.mark.parametrize(
    "bad, line",
    [
        ("---\ntitle: [unclosed\n---\n", 2),
        ("---\ntitle: x\n", 1),
        ("text\n```{python}\n#| echo: [\nx = 1\n```\n", 3),
        ("text\n```{python}\nx = 1\n", 2),
    ],
)
def test_bad_source_names_file_and_line(tmp_path, bad, line):
    path = tmp_path / "bad.qmd"
    path.write_text(bad, encoding="utf-8")
    with pytest.raises(ConfigError) as exc:
        qmd.read_qmd(path)
    assert exc.value.path == path
    assert exc.value.line == line


def test_report_sources_follow_the_project(project_root):
    from unreported.report.render import report_sources

    names = [p.name for p in report_sources(project_root / "_quarto.yml")]
    assert names == ["index.qmd", "methods.qmd", "codebook.qmd"]
    for p in report_sources(project_root / "_quarto.yml"):
        doc = qmd.read_qmd(p)
        assert any("parameters" in (c.options.get("tags") or []) for c in doc.chunks), p
