"""unreported: a reproducible qualitative-research suite for studies of why victims of
human trafficking do not report to the police.

Stages, one module (or sub-package) each: ``corpus`` (ingestion), ``redaction``,
``coding``, ``reliability``, ``topics`` and ``report``; ``config`` holds the study
configuration and every path the stages share.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("unreported")
except PackageNotFoundError:  # running from a source tree without an install
    __version__ = "0.0.0+unknown"
