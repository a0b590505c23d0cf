"""The whole study in one call: notebooks 01–05 in order, each skipped when nothing it reads changed.

Each step is a numbered notebook executed with papermill (parameter ``study``: the study file)
on the project's kernel into ``output/notebooks/``. A step's cache key is the content hash of
the notebook, the study file, the input files of its stage, the library code of that stage
and the study settings; when the key matches the last successful run and its outputs exist,
the step is skipped. Changing one transcript changes the keys of the corpus and redaction
steps; whether later steps rerun depends on whether the redacted output actually changed.
Notebook 05 renders the reports (and leak-checks them).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console
from rich.table import Table

from unreported.cache import Stamp, fingerprint
from unreported.config import PROJECT_ROOT, STUDY_ENV, Study
from unreported.errors import UnreportedError

NOTEBOOKS_DIR = PROJECT_ROOT / "notebooks"
SRC = Path(__file__).resolve().parent
_COMMON_CODE = ("config.py", "cache.py", "errors.py")

console = Console(stderr=True)


def _files(folder: Path, patterns: Iterable[str] = ("*",)) -> list[Path]:
    """Regular, non-hidden files under ``folder`` matching ``patterns`` (empty if it does not exist)."""
    if not folder.is_dir():
        return []
    found = {p for pat in patterns for p in folder.rglob(pat)}
    return sorted(p for p in found if p.is_file() and not any(part.startswith(".") for part in p.relative_to(folder).parts))


def _code(*names: str) -> list[Path]:
    paths: list[Path] = []
    for name in (*_COMMON_CODE, *names):
        p = SRC / name
        paths.extend(_files(p, ("*.py", "*.css", "*.yml")) if p.is_dir() else ([p] if p.is_file() else []))
    return paths


def corpus_files(study: Study) -> list[Path]:
    """The manifest and every transcript it lists (missing ones are the corpus stage's to report)."""
    from unreported.manifest import load_manifest

    manifest = load_manifest(study.manifest_path, check_files=False)
    listed = [study.corpus_dir / e.file for e in manifest.entries]
    return [study.manifest_path, *(p for p in listed if p.is_file())]


def _existing(paths: Iterable[Path]) -> list[Path]:
    return [p for p in paths if p.is_file()]


@dataclass(frozen=True)
class Step:
    """One notebook of the study: what it reads, what it must leave behind, which code it runs."""

    name: str
    title: str
    inputs: Callable[[Study], list[Path]]
    outputs: Callable[[Study], list[Path]]
    code: tuple[str, ...]

    def notebook(self, notebooks_dir: Path = NOTEBOOKS_DIR) -> Path:
        return Path(notebooks_dir) / f"{self.name}.ipynb"


STEPS: tuple[Step, ...] = (
    Step("01_corpus", "corpus at a glance", corpus_files, lambda s: [], ("corpus.py", "manifest.py")),
    Step(
        "02_redact",
        "redaction",
        lambda s: [*corpus_files(s), *_existing([s.policy_path, *s.country_format_paths])],
        lambda s: [s.redacted_dir / "index.json"],
        ("corpus.py", "manifest.py", "redaction"),
    ),
    Step(
        "03_code",
        "coding",
        lambda s: [
            *_files(s.redacted_dir),
            *_existing([s.codebook_path, s.recommendations_path, s.corpus_dir / "gold" / "codes.jsonl"]),
            *_files(s.codebook_path.parent / "human"),  # researchers' own coding sheets / QDA projects
        ],
        lambda s: [s.coding_dir / "units.jsonl", s.coding_dir / "codes.jsonl"],
        ("redaction/store.py", "coding"),
    ),
    Step(
        "04_topics",
        "topic model",
        lambda s: _existing([s.coding_dir / "units.jsonl", s.coding_dir / "codes.jsonl", s.codebook_path]),
        lambda s: [s.topics_dir / "run_manifest.json"],
        ("redaction/store.py", "topics", "topics.py"),
    ),
    Step(
        "05_report",
        "reports",
        lambda s: [
            *_files(PROJECT_ROOT / "reports", ("*.qmd", "*.yml")),
            *_existing([PROJECT_ROOT / "_quarto.yml", s.codebook_path, s.recommendations_path, s.policy_path]),
            *_files(s.redacted_dir),
            *_files(s.coding_dir),
            *_files(s.topics_dir),
        ],
        lambda s: [s.reports_dir / "leakcheck.json"],
        ("report", "data/report", "redaction"),
    ),
)


@dataclass
class StepResult:
    name: str
    status: str  # "ran", "cached" or "missing"
    seconds: float
    notebook: Path | None


def step_key(step: Step, study: Study, kernel: str, notebook: Path) -> str:
    files = [notebook, *step.inputs(study), *_code(*step.code)]
    if study.source is not None:
        files.append(study.source)
    settings = {"step": step.name, "study": study.config.model_dump(mode="json"), "kernel": kernel}
    return fingerprint(files, settings)


def run_study(
    study: Study, *, force: bool = False, steps: Iterable[Step] = STEPS, notebooks_dir: Path = NOTEBOOKS_DIR
) -> list[StepResult]:
    """Run every step in order; skip those whose key is unchanged (unless ``force``)."""
    from unreported.report.render import kernel_name

    t_all = time.perf_counter()
    if study.source is None:
        raise UnreportedError("run_study needs a study loaded from its file (Study.load), to pass it to the notebooks")
    kernel = kernel_name()
    out_dir = study.notebooks_out_dir
    out_dir.mkdir(parents=True, exist_ok=True)
    if study.source is not None:
        os.environ[STUDY_ENV] = str(study.source)
    steps = list(steps)
    results: list[StepResult] = []
    for i, step in enumerate(steps, start=1):
        label = f"[bold][{i}/{len(steps)}] {step.name}[/] ({step.title})"
        notebook = step.notebook(notebooks_dir)
        if not notebook.is_file():
            console.print(f"{label}: [yellow]skipped[/] — {notebook} does not exist")
            results.append(StepResult(step.name, "missing", 0.0, None))
            continue
        target = out_dir / notebook.name
        stamp = Stamp(out_dir / ".stamps" / step.name)
        key = step_key(step, study, kernel, notebook)
        if not force and stamp.is_fresh(key, [target, *step.outputs(study)]):
            console.print(f"{label}: [green]unchanged[/], cached")
            results.append(StepResult(step.name, "cached", 0.0, target))
            continue
        console.print(f"{label}: running …")
        t0 = time.perf_counter()
        _execute(step.name, notebook, study, target, kernel)
        seconds = time.perf_counter() - t0
        # The key computed before the run: an input edited during it makes the next run redo the step.
        stamp.write(key, notebook=target.name, seconds=round(seconds, 1))
        console.print(f"{label}: [green]done[/] in {seconds:.1f} s")
        results.append(StepResult(step.name, "ran", seconds, target))
    _summary(results, time.perf_counter() - t_all)
    return results


def _execute(name: str, notebook: Path, study: Study, target: Path, kernel: str) -> None:
    import papermill
    from papermill.exceptions import PapermillExecutionError

    try:
        papermill.execute_notebook(
            str(notebook),
            str(target),
            parameters={"study": str(study.source)},
            kernel_name=kernel,
            cwd=str(notebook.parent),
            progress_bar=True,
            log_output=False,
        )
    except PapermillExecutionError as exc:
        raise UnreportedError(
            f"notebook {name} failed in cell {exc.exec_count}: {exc.ename}: {exc.evalue} "
            "(the executed notebook shows the traceback)",
            path=target,
        ) from None


def _summary(results: list[StepResult], seconds: float) -> None:
    table = Table(title=f"study run: {seconds:.1f} s", show_edge=False)
    table.add_column("step")
    table.add_column("status")
    table.add_column("seconds", justify="right")
    for r in results:
        table.add_row(r.name, r.status, f"{r.seconds:.1f}")
    console.print(table)
