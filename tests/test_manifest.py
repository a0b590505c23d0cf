"""The manifest is validated on load and every problem names the manifest and its row."""

from __future__ import annotations

from pathlib import Path

import pytest

from unreported.errors import CorpusError
from unreported.manifest import COLUMNS, load_manifest

HEADER = ",".join(COLUMNS)
GOOD = "VOT-01,VOT-01.txt,IDI,VoT,ru,Chui,2021-03-02,yes"


def _corpus(tmp_path: Path, rows: list[str], files: tuple[str, ...] = ("VOT-01.txt",), header: str = HEADER) -> Path:
    for f in files:
        (tmp_path / f).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / f).write_text("Interviewer: hi\nRespondent: hello\n", encoding="utf-8")
    path = tmp_path / "manifest.csv"
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def _problems(path: Path) -> str:
    with pytest.raises(CorpusError) as info:
        load_manifest(path)
    message = str(info.value)
    assert message.startswith(str(path))
    return message


def test_valid_manifest(tmp_path: Path) -> None:
    rows = [GOOD, "CSO-01,sub/CSO-01.txt,FGD,CSO,ky,,,да"]
    manifest = load_manifest(_corpus(tmp_path, rows, files=("VOT-01.txt", "sub/CSO-01.txt")))
    assert [e.id for e in manifest.entries] == ["VOT-01", "CSO-01"]
    assert manifest.entries[1].consent is True and manifest.entries[1].date is None
    assert manifest.by_id()["VOT-01"].date.isoformat() == "2021-03-02"


def test_bom_and_semicolons_from_excel(tmp_path: Path) -> None:
    path = _corpus(tmp_path, [GOOD.replace(",", ";")], header=HEADER.replace(",", ";"))
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert load_manifest(path).entries[0].id == "VOT-01"


def test_broken_row_names_row_and_column(tmp_path: Path) -> None:
    rows = [GOOD, "VOT-02,VOT-02.txt,interview,VoT,ru,,2021-13-40,maybe"]
    message = _problems(_corpus(tmp_path, rows, files=("VOT-01.txt", "VOT-02.txt")))
    assert "row 3, column kind" in message
    assert "row 3, column date" in message
    assert "row 3, column consent" in message


def test_too_many_values(tmp_path: Path) -> None:
    assert "row 2: more values than columns" in _problems(_corpus(tmp_path, [GOOD + ",extra"]))


def test_duplicate_id(tmp_path: Path) -> None:
    rows = [GOOD, "VOT-01,VOT-02.txt,IDI,VoT,ru,,,yes"]
    message = _problems(_corpus(tmp_path, rows, files=("VOT-01.txt", "VOT-02.txt")))
    assert "row 3: duplicate id 'VOT-01' (first at row 2)" in message


def test_duplicate_file(tmp_path: Path) -> None:
    rows = [GOOD, "VOT-02,VOT-01.txt,IDI,VoT,ru,,,yes"]
    assert "row 3: file 'VOT-01.txt' already listed at row 2" in _problems(_corpus(tmp_path, rows))


def test_unknown_group(tmp_path: Path) -> None:
    message = _problems(_corpus(tmp_path, [GOOD.replace(",VoT,", ",journalist,")]))
    assert "row 2, column respondent_group" in message and "journalist" in message


def test_missing_file(tmp_path: Path) -> None:
    assert "row 2: listed file 'VOT-01.txt' does not exist" in _problems(_corpus(tmp_path, [GOOD], files=()))


def test_unlisted_file(tmp_path: Path) -> None:
    path = _corpus(tmp_path, [GOOD], files=("VOT-01.txt", "extra/VOT-09.vtt"))
    (tmp_path / "gold").mkdir()
    (tmp_path / "gold" / "notes.txt").write_text("gold folder is not transcripts", encoding="utf-8")
    message = _problems(path)
    assert "'extra/VOT-09.vtt' is not listed" in message
    assert "notes.txt" not in message


def test_path_outside_corpus_and_unsupported_type(tmp_path: Path) -> None:
    rows = ["A,../secret.txt,IDI,VoT,ru,,,yes", "B,/etc/passwd,IDI,VoT,ru,,,yes", "C,notes.pdf,IDI,VoT,ru,,,yes"]
    message = _problems(_corpus(tmp_path, rows, files=()))
    assert "row 2, column file" in message and "row 3, column file" in message
    assert "row 4, column file: unsupported file type '.pdf'" in message


def test_missing_column_and_empty_manifest(tmp_path: Path) -> None:
    path = _corpus(tmp_path, [GOOD.rsplit(",", 1)[0]], header=HEADER.rsplit(",", 1)[0])
    assert "lacks column(s) consent" in _problems(path)
    path.write_text("", encoding="utf-8")
    assert "empty" in _problems(path)
    path.write_text(HEADER + "\n", encoding="utf-8")
    (tmp_path / "VOT-01.txt").unlink()
    assert "lists no transcripts" in _problems(path)


def test_not_utf8_and_absent(tmp_path: Path) -> None:
    path = _corpus(tmp_path, [GOOD.replace("Chui", "Чуй")])
    path.write_bytes(path.read_text(encoding="utf-8").encode("cp1251"))
    assert "not UTF-8" in _problems(path)
    assert "not found" in _problems(tmp_path / "nowhere" / "manifest.csv")


def test_all_problems_reported_at_once(tmp_path: Path) -> None:
    rows = [GOOD, GOOD, GOOD.replace("VOT-01", "VOT-03").replace(",VoT,", ",alien,")]
    message = _problems(_corpus(tmp_path, rows))
    assert "3 problem(s)" in message
