"""Presidio recognizers for what the stock ones miss: one recognizer per file.

Every recognizer returns :class:`presidio_analyzer.RecognizerResult` objects with our PII
labels (``unreported.config.PII_LABELS``) and its own name in the metadata, which the audit
records as the detector.
"""
