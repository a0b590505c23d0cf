"""Render the reports: ``quarto render`` where Quarto is installed, else a tested fallback.

The fallback executes the same ``.qmd`` files through a Jupyter kernel (nbclient) and converts
them with the pandoc of ``pypandoc-binary`` to self-contained HTML (figures as data URIs),
with a visible banner saying it is a fallback render. Either way, the redaction leak check then
runs over every rendered HTML file; a single original string fails the render.
"""

from __future__ import annotations

import html
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from unreported.cache import write_json
from unreported.config import PROJECT_ROOT, Study, read_yaml
from unreported.errors import ConfigError, LeakError, RedactionError, UnreportedError
from unreported.report import qmd

log = logging.getLogger(__name__)

QUARTO_PROJECT = PROJECT_ROOT / "_quarto.yml"
Renderer = Literal["auto", "quarto", "fallback"]
#: Environment variable that forces a renderer (the end-to-end test uses the fallback everywhere).
RENDERER_ENV = "UNREPORTED_RENDERER"
_CSS = Path(__file__).resolve().parents[1] / "data" / "report" / "fallback.css"


@dataclass
class RenderResult:
    renderer: str
    pages: list[Path]
    seconds: float
    leak_hits: int
    leak_files: int


def report_sources(project_file: Path = QUARTO_PROJECT) -> list[Path]:
    """The ``.qmd`` files of the Quarto project, in the order ``project.render`` lists them."""
    cfg = read_yaml(project_file) or {}
    entries = (cfg.get("project") or {}).get("render") or []
    if not entries:
        raise ConfigError("`project.render` lists no report sources", path=project_file)
    sources = []
    for entry in entries:
        matches = sorted(project_file.parent.glob(entry))
        if not matches:
            raise ConfigError(f"report source {entry} not found", path=project_file)
        sources.extend(matches)
    return sources


def kernel_name() -> str:
    """The project's kernel (``unreported``, registered by ``make setup``) or this Python's own."""
    from jupyter_client.kernelspec import KernelSpecManager

    specs = KernelSpecManager().find_kernel_specs()
    if "unreported" in specs:
        return "unreported"
    log.warning("kernel `unreported` is not registered (run `make setup`); using python3")
    return "python3"


def render_reports(study: Study, *, renderer: Renderer = "auto", leak_check: bool = True) -> RenderResult:
    """Render every report page into ``study.reports_dir`` and leak-check the HTML."""
    t0 = time.perf_counter()
    if renderer == "auto":
        renderer = os.environ.get(RENDERER_ENV, "auto")  # type: ignore[assignment]
        if renderer not in ("auto", "quarto", "fallback"):
            raise ConfigError(f"${RENDERER_ENV} must be auto, quarto or fallback, not {renderer!r}")
    out_dir = study.reports_dir
    out_dir.mkdir(parents=True, exist_ok=True)
    use_quarto = renderer == "quarto" or (renderer == "auto" and shutil.which("quarto") is not None)
    if renderer == "quarto" and shutil.which("quarto") is None:
        raise UnreportedError("quarto is not on PATH (use the conda environment, or renderer=fallback)")
    pages = render_quarto(study, out_dir) if use_quarto else render_fallback(study, out_dir)
    hits, files = (check_html(study, pages) if leak_check else (0, 0))
    return RenderResult("quarto" if use_quarto else "fallback", pages, time.perf_counter() - t0, hits, files)


def render_quarto(study: Study, out_dir: Path) -> list[Path]:
    cmd = ["quarto", "render", str(QUARTO_PROJECT.parent), "--output-dir", str(out_dir),
           "-P", f"study:{study.source}"]
    # Quarto runs the chunks with this environment's Python (the project's kernel), not another one.
    env = {**os.environ, "QUARTO_PYTHON": sys.executable}
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False, env=env)
    if proc.returncode != 0:
        tail = "\n".join(proc.stderr.strip().splitlines()[-15:])
        raise UnreportedError(f"quarto render failed (exit {proc.returncode}):\n{tail}", path=QUARTO_PROJECT)
    return sorted(p for p in out_dir.rglob("*.html") if "site_libs" not in p.parts)


def render_fallback(study: Study, out_dir: Path) -> list[Path]:
    """Execute each ``.qmd`` in a kernel, then pandoc it to one self-contained HTML file."""
    project = read_yaml(QUARTO_PROJECT) or {}
    defaults = dict(project.get("execute") or {})
    kernel = kernel_name()
    nav = [(Path(item["href"]).with_suffix(".html").name, item["text"])
           for item in ((project.get("website") or {}).get("navbar") or {}).get("left", [])]
    pages = []
    for src in report_sources():
        doc = qmd.read_qmd(src)
        nb = execute_qmd(doc, study, kernel)
        markdown = qmd.notebook_to_markdown(nb, defaults)
        target = out_dir / f"{src.stem}.html"
        pandoc_html(markdown, doc.front_matter, target, nav=nav)
        pages.append(target)
    return pages


def execute_qmd(doc: qmd.QmdDocument, study: Study, kernel: str):
    """Run a report's code chunks with the study file as parameter, in the report's folder."""
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    nb = qmd.to_notebook(doc, kernel)
    qmd.inject_parameters(nb, {"study": str(study.source)})
    cwd = doc.path.parent if doc.path else PROJECT_ROOT
    client = NotebookClient(nb, kernel_name=kernel, timeout=1800, resources={"metadata": {"path": str(cwd)}})
    try:
        client.execute()
    except CellExecutionError as exc:
        failed = next((c for c in nb.cells if any(o.get("output_type") == "error" for o in c.get("outputs", []))), None)
        line = failed.metadata.get("qmd_line") if failed is not None else None
        err = next((o for o in (failed or {}).get("outputs", []) if o.get("output_type") == "error"), {})
        raise UnreportedError(
            f"report chunk failed: {err.get('ename', type(exc).__name__)}: {err.get('evalue', '')}",
            path=doc.path, line=line,
        ) from None
    return nb


def pandoc_html(markdown: str, front: dict, target: Path, nav: list[tuple[str, str]] = ()) -> None:
    """Markdown → one standalone HTML file with every resource embedded, marked as fallback."""
    import pypandoc

    title = str(front.get("title", target.stem))
    links = " · ".join(f'<a href="{html.escape(href)}">{html.escape(text)}</a>' for href, text in nav)
    banner = (
        '<div class="fallback-banner" role="note"><strong>Fallback render</strong> '
        "(Jupyter kernel + pandoc, not Quarto): same content, simpler layout."
        + (f'<nav class="fallback-nav">{links}</nav>' if links else "")
        + "</div>"
    )
    with tempfile.TemporaryDirectory() as tmp:
        before = Path(tmp) / "before.html"
        before.write_text(banner, encoding="utf-8")
        args = [
            "--standalone", "--embed-resources", "--toc", "--toc-depth=3", "--section-divs",
            f"--metadata=title:{title}", f"--css={_CSS}", f"--include-before-body={before}",
            "--metadata=lang:en",
        ]
        if front.get("subtitle"):
            args.append(f"--metadata=subtitle:{front['subtitle']}")
        out = Path(tmp) / target.name
        pypandoc.convert_text(
            markdown, "html5", format="markdown+pipe_tables+fenced_divs+raw_attribute+link_attributes",
            extra_args=args, outputfile=str(out),
        )
        from unreported.cache import atomic_write_bytes

        atomic_write_bytes(target, out.read_bytes())


def check_html(study: Study, pages: list[Path]) -> tuple[int, int]:
    """Leak-check the rendered pages; record counts only; raise on any hit."""
    try:
        from unreported.redaction.leakcheck import check_paths
    except ImportError:
        raise RedactionError(
            "the redaction leak checker (unreported.redaction.leakcheck) is not available, so the rendered "
            "reports cannot be verified; do not circulate them", path=study.reports_dir,
        ) from None
    hits = check_paths(study, pages, public=True)
    # Each hit names file, line and PII label, never the string itself.
    report = {"files": [p.name for p in pages], "hits": len(hits), "where": [str(h) for h in hits]}
    write_json(study.reports_dir / "leakcheck.json", report)
    if hits:
        raise LeakError(f"{len(hits)} original identifying strings in the rendered reports; do not circulate them",
                        path=study.reports_dir)
    return 0, len(pages)


def findings_page(study: Study) -> Path:
    """Where the Findings page is, whichever renderer made it."""
    for candidate in (study.reports_dir / "index.html", study.reports_dir / "reports" / "index.html"):
        if candidate.is_file():
            return candidate
    raise UnreportedError("the reports are not rendered yet (run `unreported report render`)", path=study.reports_dir)
