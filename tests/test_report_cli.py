"""`unreported report render` and `unreported run`: options and clean errors."""

from __future__ import annotations

import subprocess
import sys

CLI = [sys.executable, "-c", "from unreported.cli import main; main()"]


def _run(*args: str, **kw):
    return subprocess.run([*CLI, *args], capture_output=True, text=True, timeout=120, **kw)


def test_run_and_report_render_are_registered():
    assert "--force" in _run("run", "--help").stdout
    assert "--renderer" in _run("report", "render", "--help").stdout


def test_unknown_renderer_is_a_clean_error():
    proc = _run("report", "render", "--renderer", "bogus")
    assert proc.returncode == 1
    assert "unknown renderer 'bogus'" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_missing_study_file_is_a_clean_error(tmp_path):
    proc = _run("run", "--study", str(tmp_path / "nope.yml"))
    assert proc.returncode == 1
    assert "nope.yml" in proc.stderr and "not found" in proc.stderr
