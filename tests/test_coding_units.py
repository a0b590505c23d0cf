"""Coding units: respondent turns only, long turns split, offsets into the redacted text."""

from __future__ import annotations

from unreported.coding.units import units_of

TEXT = (
    "# FICTIONAL header\n\n"
    "Interviewer: Why did you not go to the police?\n"
    "Respondent: Because of [PERSON_01]. She knew everyone.\n"
    "Interviewer: And then?\n"
    "Respondent: " + " ".join(f"Sentence number {i} is here." for i in range(60)) + "\n"
    "Second paragraph of the same turn.\n"
)


def test_only_respondent_turns_with_offsets() -> None:
    units = units_of("D1", TEXT, lang="en", group="VoT", kind="IDI", limit=400)
    assert units and all(u.role == "respondent" for u in units)
    for u in units:
        assert TEXT[u.start : u.end] == u.text
        assert u.text == u.text.strip()
    first = units[0]
    assert first.id == "D1#001" and first.part == 0 and first.turn_id == "D1#001"


def test_long_turns_are_split_at_boundaries() -> None:
    units = units_of("D1", TEXT, lang="en", group="VoT", kind="IDI", limit=400)
    parts = [u for u in units if u.turn == 3]
    assert len(parts) > 1
    assert [u.part for u in parts] == list(range(1, len(parts) + 1))
    assert [u.id for u in parts][:2] == ["D1#003.1", "D1#003.2"]
    assert all(len(u.text) <= 400 for u in parts)
    assert all(u.text.endswith(".") for u in parts)
    assert parts[-1].text == "Second paragraph of the same turn."
    assert all(a.end <= b.start for a, b in zip(parts, parts[1:]))
