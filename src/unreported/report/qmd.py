"""Quarto ``.qmd`` ↔ Jupyter notebook, for the fallback render (no Quarto on PATH).

Only the subset of Quarto the reports use is understood: YAML front matter, ```` ```{python} ````
chunks whose leading ``#| key: value`` lines are chunk options, and Markdown between them.
After execution, :func:`notebook_to_markdown` turns the notebook back into Pandoc Markdown the
way Quarto would show it: ``text/markdown`` outputs as Markdown, images as embedded data URIs,
HTML as raw HTML, and nothing of a chunk with ``include: false``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat
import yaml

from unreported.errors import ConfigError

_FENCE_OPEN = re.compile(r"^(?P<ticks>`{3,})\{(?P<lang>[A-Za-z0-9_]+)(?P<rest>[^}]*)\}\s*$")
_OPTION = re.compile(r"^#\|\s?(?P<body>.*)$")


@dataclass
class Chunk:
    """One piece of a ``.qmd``: Markdown text, or a code chunk with its options."""

    kind: str  # "markdown" or "code"
    source: str
    options: dict[str, Any] = field(default_factory=dict)
    line: int = 1


@dataclass
class QmdDocument:
    front_matter: dict[str, Any]
    chunks: list[Chunk]
    path: Path | None = None


def parse_qmd(text: str, path: Path | None = None) -> QmdDocument:
    """Split ``text`` into front matter, Markdown and code chunks; errors name the file and line."""
    lines = text.replace("\r\n", "\n").split("\n")
    front: dict[str, Any] = {}
    i = 0
    if lines and lines[0].strip() == "---":
        for j in range(1, len(lines)):
            if lines[j].strip() in ("---", "..."):
                try:
                    front = yaml.safe_load("\n".join(lines[1:j])) or {}
                except yaml.YAMLError as exc:
                    raise ConfigError(f"invalid front matter: {getattr(exc, 'problem', exc)}", path=path, line=2) from None
                if not isinstance(front, dict):
                    raise ConfigError("front matter must be a YAML mapping", path=path, line=2)
                i = j + 1
                break
        else:
            raise ConfigError("front matter is not closed with ---", path=path, line=1)

    chunks: list[Chunk] = []
    md: list[str] = []
    md_start = i + 1

    def flush_md() -> None:
        body = "\n".join(md).strip("\n")
        if body.strip():
            chunks.append(Chunk("markdown", body, line=md_start))
        md.clear()

    while i < len(lines):
        m = _FENCE_OPEN.match(lines[i])
        if m is None or m.group("lang") != "python":
            md.append(lines[i])
            i += 1
            continue
        flush_md()
        start = i + 1
        ticks = m.group("ticks")
        body: list[str] = []
        i += 1
        while i < len(lines) and lines[i].strip() != ticks:
            body.append(lines[i])
            i += 1
        if i >= len(lines):
            raise ConfigError("code chunk is not closed", path=path, line=start)
        i += 1
        options, code = _split_options(body, path, start)
        chunks.append(Chunk("code", code, options, line=start))
        md_start = i + 1
    flush_md()
    return QmdDocument(front, chunks, path)


def _split_options(body: list[str], path: Path | None, start: int) -> tuple[dict[str, Any], str]:
    opt_lines: list[str] = []
    k = 0
    while k < len(body):
        m = _OPTION.match(body[k])
        if m is None:
            break
        opt_lines.append(m.group("body"))
        k += 1
    options: dict[str, Any] = {}
    if opt_lines:
        try:
            options = yaml.safe_load("\n".join(opt_lines)) or {}
        except yaml.YAMLError as exc:
            raise ConfigError(f"invalid chunk options: {getattr(exc, 'problem', exc)}", path=path, line=start + 1) from None
        if not isinstance(options, dict):
            raise ConfigError("chunk options must be `#| key: value` lines", path=path, line=start + 1)
    return options, "\n".join(body[k:]).strip("\n")


def read_qmd(path: Path) -> QmdDocument:
    path = Path(path)
    if not path.is_file():
        raise ConfigError("report source not found", path=path)
    return parse_qmd(path.read_text(encoding="utf-8"), path)


def to_notebook(doc: QmdDocument, kernel_name: str = "python3") -> nbformat.NotebookNode:
    """A notebook with one cell per chunk; chunk options kept in the cell metadata."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": kernel_name, "display_name": kernel_name, "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    nb.metadata["qmd"] = {"front_matter": doc.front_matter, "path": str(doc.path) if doc.path else None}
    for chunk in doc.chunks:
        if chunk.kind == "markdown":
            nb.cells.append(nbformat.v4.new_markdown_cell(chunk.source))
        else:
            cell = nbformat.v4.new_code_cell(chunk.source)
            cell.metadata["qmd_options"] = chunk.options
            cell.metadata["qmd_line"] = chunk.line
            tags = chunk.options.get("tags") or []
            if tags:
                cell.metadata["tags"] = list(tags)
            nb.cells.append(cell)
    return nb


def inject_parameters(nb: nbformat.NotebookNode, parameters: dict[str, Any]) -> None:
    """Insert a cell setting ``parameters`` right after the cell tagged ``parameters`` (as papermill does)."""
    source = "\n".join(f"{k} = {v!r}" for k, v in parameters.items())
    cell = nbformat.v4.new_code_cell(source)
    cell.metadata["tags"] = ["injected-parameters"]
    cell.metadata["qmd_options"] = {"include": False}
    for idx, existing in enumerate(nb.cells):
        if "parameters" in existing.metadata.get("tags", []):
            nb.cells.insert(idx + 1, cell)
            return
    nb.cells.insert(0, cell)


def notebook_to_markdown(nb: nbformat.NotebookNode, defaults: dict[str, Any] | None = None) -> str:
    """Pandoc Markdown of an executed notebook, showing outputs as Quarto would."""
    defaults = {"echo": False, **(defaults or {})}
    parts: list[str] = []
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            parts.append(cell.source)
            continue
        if cell.cell_type != "code":
            continue
        opts = {**defaults, **cell.metadata.get("qmd_options", {})}
        if opts.get("include") is False:
            continue
        if opts.get("echo") is True:
            parts.append(f"```python\n{cell.source}\n```")
        if opts.get("output") is False:
            continue
        asis = opts.get("output") == "asis"
        for out in cell.get("outputs", []):
            rendered = _output_markdown(out, opts, asis)
            if rendered:
                parts.append(rendered)
    return "\n\n".join(p.strip("\n") for p in parts if p.strip()) + "\n"


def _output_markdown(out: dict[str, Any], opts: dict[str, Any], asis: bool) -> str:
    kind = out.get("output_type")
    if kind == "stream":
        if out.get("name") != "stdout":
            return ""
        text = out.get("text", "")
        return text if asis else f"```\n{text.rstrip()}\n```"
    if kind not in ("display_data", "execute_result"):
        return ""
    data = out.get("data", {})
    if "text/markdown" in data:
        return _text(data["text/markdown"])
    if "image/png" in data:
        caption = str(opts.get("fig-cap", ""))
        alt = str(opts.get("fig-alt", caption))
        img = f"![{caption}](data:image/png;base64,{_text(data['image/png']).strip()})"
        return img if not alt or alt == caption else img + f'{{fig-alt="{alt}"}}'
    if "image/svg+xml" in data:
        return "```{=html}\n" + _text(data["image/svg+xml"]) + "\n```"
    if "text/html" in data:
        return "```{=html}\n" + _text(data["text/html"]) + "\n```"
    if "text/plain" in data and kind == "execute_result":
        text = _text(data["text/plain"])
        return text if asis else f"```\n{text.rstrip()}\n```"
    return ""


def _text(value: Any) -> str:
    return "".join(value) if isinstance(value, list) else str(value)
