"""Coded examples (coding/examples/*.jsonl): loading, and errors that name file and line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from unreported.coding import examples as ex_mod
from unreported.coding.examples import example_files, load_examples
from unreported.config import FACTOR_IDS, PROJECT_ROOT, Study
from unreported.errors import ConfigError, UnreportedError

LANGS = ("en", "ru", "ky")
GOOD = {"id": "x-1", "lang": "ru", "question": "Почему?", "text": "Не знала, куда идти.", "codes": ["F2"]}


def _write(path: Path, *records: dict | str) -> Path:
    lines = [r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in records]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_loads_a_folder_in_name_order(tmp_path: Path) -> None:
    _write(tmp_path / "b.jsonl", {**GOOD, "id": "b-1", "codes": []})
    _write(tmp_path / "a.jsonl", GOOD, "", {"id": "a-2", "lang": "en", "text": "We left.", "codes": ["F1", "F5"]})
    (tmp_path / "notes.txt").write_text("not read", encoding="utf-8")
    got = load_examples(tmp_path, FACTOR_IDS, LANGS)
    assert [(e.id, e.codes, e.question) for e in got] == [("x-1", ("F2",), "Почему?"), ("a-2", ("F1", "F5"), None), ("b-1", (), "Почему?")]


@pytest.mark.parametrize(
    "line, message",
    [
        ('{"id": "x", "lang": "en", "text": "t", "codes": ["F9"]}', "unknown code(s) F9"),
        ('{"id": "x", "lang": "tg", "text": "t", "codes": []}', "language 'tg' is not a language of the codebook (en, ru, ky)"),
        ('{"id": "x", "lang": "en", "text": "   ", "codes": []}', '"text": is empty'),
        ('{"id": "x", "lang": "en", "text": "t", "codes": ["F1", "F1"]}', '"codes": lists a code twice'),
        ('{"id": "x", "lang": "en", "text": "t"}', '"codes": Field required'),
        ('{"id": "x", "lang": "en", "text": "t", "codes": [], "speaker": "A"}', '"speaker": Extra inputs are not permitted'),
    ],
)
def test_bad_record_names_file_and_line(tmp_path: Path, line: str, message: str) -> None:
    path = _write(tmp_path / "ex.jsonl", GOOD, line)
    with pytest.raises(ConfigError) as e:
        load_examples(path, FACTOR_IDS, LANGS)
    assert e.value.line == 2 and e.value.path == path
    assert message in str(e.value)
    assert "Не знала" not in str(e.value)  # messages never quote the texts


def test_broken_json_names_file_and_line(tmp_path: Path) -> None:
    path = _write(tmp_path / "ex.jsonl", GOOD, '{"id": "x", "lang": "en", "text": "t", "codes": []')
    with pytest.raises(UnreportedError, match=r"ex\.jsonl:2: invalid JSON"):
        load_examples(path, FACTOR_IDS, LANGS)


def test_duplicate_id_across_files(tmp_path: Path) -> None:
    _write(tmp_path / "a.jsonl", GOOD)
    _write(tmp_path / "b.jsonl", GOOD)
    with pytest.raises(ConfigError, match=r"b\.jsonl:1: duplicate id 'x-1' \(also in a\.jsonl\)"):
        load_examples(tmp_path, FACTOR_IDS, LANGS)


def test_wrong_encoding_empty_huge_and_missing(tmp_path: Path, monkeypatch) -> None:
    cp = tmp_path / "cp1251.jsonl"
    cp.write_bytes(json.dumps(GOOD, ensure_ascii=False).encode("cp1251"))
    with pytest.raises(UnreportedError, match=r"cp1251\.jsonl:1: not UTF-8 \(byte \d+ of the line\); save the file as UTF-8"):
        load_examples(cp, FACTOR_IDS, LANGS)
    empty = tmp_path / "empty.jsonl"
    empty.write_text("\n\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="no coding examples"):
        load_examples(empty, FACTOR_IDS, LANGS)
    monkeypatch.setattr(ex_mod, "MAX_BYTES", 10)
    with pytest.raises(ConfigError, match="over the 10 bytes limit"):
        load_examples(_write(tmp_path / "big.jsonl", GOOD), FACTOR_IDS, LANGS)
    with pytest.raises(ConfigError, match="coding examples not found"):
        example_files(tmp_path / "nowhere.jsonl")
    with pytest.raises(ConfigError, match="folder has no .jsonl files"):
        example_files((tmp_path / "none").mkdir() or tmp_path / "none")


def test_bundled_examples_cover_every_factor_and_language_with_negatives() -> None:
    """The study's own examples: every factor has positives in every language, and about a
    quarter of them carry no code (near misses), as in real answers."""
    study = Study.load(PROJECT_ROOT / "study.yml")
    assert study.coding_examples_path is not None
    examples = load_examples(study.coding_examples_path, FACTOR_IDS, LANGS)
    for lang in LANGS:
        mine = [e for e in examples if e.lang == lang]
        assert len(mine) >= 150, lang
        for f in FACTOR_IDS:
            assert sum(f in e.codes for e in mine) >= 15, (lang, f)
        assert 0.2 <= sum(not e.codes for e in mine) / len(mine) <= 0.4, lang
