"""Shared fixtures. Tests never reach the network: pytest-socket allows loopback only
(see ``addopts`` in pyproject.toml); Jupyter kernels talk over loopback."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

ROOT = Path(__file__).resolve().parents[1]
SHARED_EVAL = ROOT.parent / "shared" / "eval"
SYNTHETIC = ROOT / "corpus" / "synthetic"


@pytest.fixture(scope="session")
def project_root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def synthetic_dir() -> Path:
    return SYNTHETIC


@pytest.fixture(scope="session")
def shared_eval() -> Path:
    """The external evaluation data beside the project; tests using it skip where it is absent."""
    if not SHARED_EVAL.is_dir():
        pytest.skip("../shared/eval is not present")
    return SHARED_EVAL
