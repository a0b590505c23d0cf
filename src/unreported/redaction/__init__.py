"""Redaction: turn raw transcripts into the redacted zone (``output/redacted/``).

Detection runs on Presidio (one analyzer per language, built once), with our own
recognizers for Russian and Kyrgyz names, Central Asian country formats, messenger handles
and addresses; replacement keeps speaker labels and line structure; the pseudonym key is
stored only encrypted; anything that fails is quarantined, never passed on.
"""
