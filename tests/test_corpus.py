"""Ingestion: every format and encoding reads to the same canonical text and turns, and bad
files fail with a message that names the file (and line) without quoting its text."""

from __future__ import annotations

import logging
from pathlib import Path

import docx
import pytest

from unreported import corpus
from unreported.corpus import canonicalize, count_words, parse_turns, read_text, speaker_role
from unreported.errors import ConsentError, CorpusError
from unreported.manifest import ManifestEntry

RU = "Интервьюер: Почему вы не пошли в милицию?\nРеспондент: Боялась, что все узнают. Ёлки, как стыдно.\n"
KY = "Интервьюер: Милицияга эмне үчүн барган жоксуз?\nКатышуучу 3: Коркконмун, үй-бүлөм билип калат деп.\n"
EN = "Interviewer: Why did you not go to the police?\nRespondent: I was afraid they would tell my family.\n"


def _turn_texts(text: str) -> list[tuple[str, str, str]]:
    return [(t.speaker, t.role, text[t.start : t.end]) for t in parse_turns(text)]


# --- encodings ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("encoding", "expected"),
    [("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("utf-16", "utf-16"), ("cp1251", "cp1251"), ("koi8_r", "koi8_r")],
)
def test_txt_encodings_read_to_the_same_text(tmp_path: Path, encoding: str, expected: str) -> None:
    path = tmp_path / "t.txt"
    path.write_bytes(RU.encode(encoding))
    text, used = read_text(path)
    assert used == expected
    assert text == RU
    assert not text.startswith("\ufeff")


@pytest.mark.parametrize(
    "sample",
    [
        "Респондент: Да.",
        "Р: Нет.",
        "ДА, БОЯЛАСЬ",
        "ОН СКАЗАЛ: НЕТ",
        "Москва",
        "Ёлка",
        "Interviewer: Why?\nRespondent: Мне было страшно.",
    ],
)
@pytest.mark.parametrize("encoding", ["cp1251", "koi8_r"])
def test_cp1251_and_koi8r_are_told_apart_on_short_texts(tmp_path: Path, sample: str, encoding: str) -> None:
    path = tmp_path / "short.txt"
    path.write_bytes(sample.encode(encoding))
    assert read_text(path) == (sample, encoding)


def test_legacy_encoding_is_named_in_a_warning(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "win.txt"
    path.write_bytes(RU.encode("cp1251"))
    with caplog.at_level(logging.WARNING, logger="unreported.corpus"):
        read_text(path)
    assert any("win.txt" in r.getMessage() and "cp1251" in r.getMessage() for r in caplog.records)
    assert not any("Боялась" in r.getMessage() for r in caplog.records)


def test_utf16_with_bom_is_not_mistaken_for_binary(tmp_path: Path) -> None:
    path = tmp_path / "u16.txt"
    path.write_bytes(b"\xff\xfe" + EN.encode("utf-16-le"))
    assert read_text(path) == (EN, "utf-16")


def test_crlf_and_nfd_become_canonical(tmp_path: Path) -> None:
    import unicodedata

    path = tmp_path / "crlf.txt"
    path.write_bytes(unicodedata.normalize("NFD", RU).replace("\n", "\r\n").encode("utf-8"))
    text, _ = read_text(path)
    assert text == RU
    assert canonicalize("\ufeffa\r\nb\rc") == "a\nb\nc"


# --- formats ------------------------------------------------------------------------------


def test_docx_paragraphs_and_speaker_tables(tmp_path: Path) -> None:
    document = docx.Document()
    for line in EN.strip().split("\n"):
        document.add_paragraph(line)
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "Интервьюер", "Вы обращались в полицию?"
    table.cell(1, 0).text, table.cell(1, 1).text = "Респондент:", "Нет, никогда."
    path = tmp_path / "t.docx"
    document.save(str(path))
    text, encoding = read_text(path)
    assert encoding == "docx"
    assert _turn_texts(text) == [
        ("Interviewer", "interviewer", "Why did you not go to the police?"),
        ("Respondent", "respondent", "I was afraid they would tell my family."),
        ("Интервьюер", "interviewer", "Вы обращались в полицию?"),
        ("Респондент", "respondent", "Нет, никогда."),
    ]


def test_vtt_voice_tags_become_speaker_lines(tmp_path: Path) -> None:
    path = tmp_path / "t.vtt"
    path.write_text(
        "WEBVTT\n\nNOTE recorded with consent\n\n"
        "intro\n00:00:01.000 --> 00:00:04.000\n<v Интервьюер>Почему вы не пошли\nв милицию?</v>\n\n"
        "00:00:05.000 --> 00:00:09.000 align:start\n<v.loud Респондент>Боялась &amp; <i>стыдилась</i>.</v>\n\n"
        "00:00:10.000 --> 00:00:12.000\n<v Moderator>Thank you.</v> <v Participant 2>Спасибо.</v>\n",
        encoding="utf-8",
    )
    text, _ = read_text(path)
    assert _turn_texts(text) == [
        ("Интервьюер", "interviewer", "Почему вы не пошли в милицию?"),
        ("Респондент", "respondent", "Боялась & стыдилась."),
        ("Moderator", "moderator", "Thank you."),
        ("Participant 2", "participant", "Спасибо."),
    ]


def test_srt_speaker_lines_and_continuations(tmp_path: Path) -> None:
    path = tmp_path / "t.srt"
    path.write_bytes(
        (
            "1\r\n00:00:01,000 --> 00:00:03,000\r\nInterviewer: Why not the police?\r\n\r\n"
            "2\r\n00:00:04,000 --> 00:00:06,000\r\nУчастник №3: Мы боялись.\r\n\r\n"
            "3\r\n00:00:06,500 --> 00:00:08,000\r\nИ милиции не верили.\r\n"
        ).encode("cp1251")
    )
    text, encoding = read_text(path)
    assert encoding == "cp1251"
    assert _turn_texts(text) == [
        ("Interviewer", "interviewer", "Why not the police?"),
        ("Участник №3", "participant", "Мы боялись.\nИ милиции не верили."),
    ]


@pytest.mark.parametrize(
    ("label", "role"),
    [
        ("Interviewer", "interviewer"),
        ("Respondent", "respondent"),
        ("Moderator", "moderator"),
        ("Participant 3", "participant"),
        ("P3", "participant"),
        ("R1", "respondent"),
        ("Интервьюер", "interviewer"),
        ("Респондент", "respondent"),
        ("Модератор", "moderator"),
        ("Участник 3", "participant"),
        ("Участница-2", "participant"),
        ("Катышуучу 4", "participant"),
        ("Маек алуучу", "interviewer"),
        ("Жооп берүүчү", "respondent"),
        ("Айгуль", None),
        ("Note", None),
        ("Interviewer: why", None),
        ("Participant No. 4", "participant"),
    ],
)
def test_speaker_labels_in_three_languages(label: str, role: str | None) -> None:
    assert speaker_role(label) == role


def test_turn_offsets_point_into_the_text() -> None:
    text = "# FICTIONAL\n\n" + RU + "продолжение ответа\n\n" + KY
    turns = parse_turns(text)
    assert [t.role for t in turns] == ["interviewer", "respondent", "interviewer", "participant"]
    second = turns[1]
    assert text[second.label_start : second.start] == "Респондент: "
    assert text[second.start : second.end].endswith("продолжение ответа")
    assert second.line == 4
    assert [t.is_respondent for t in turns] == [False, True, False, True]
    assert count_words("Үй-бүлөм don't know, 3 раза") == 5


# --- bad input ----------------------------------------------------------------------------


def _error(path: Path) -> CorpusError:
    with pytest.raises(CorpusError) as info:
        read_text(path)
    assert str(path) in str(info.value)
    return info.value


def test_empty_file(tmp_path: Path) -> None:
    for name, data in [("empty.txt", b""), ("blank.txt", b" \n\n"), ("bom.txt", b"\xef\xbb\xbf\n")]:
        (tmp_path / name).write_bytes(data)
        assert "empty" in _error(tmp_path / name).message or "no text" in _error(tmp_path / name).message


def test_binary_file(tmp_path: Path) -> None:
    path = tmp_path / "image.txt"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    assert "binary" in _error(path).message


def test_control_characters_name_the_line(tmp_path: Path) -> None:
    path = tmp_path / "ctl.txt"
    path.write_bytes(b"Interviewer: hi\nRespondent: \x07\x1b[0m\n")
    err = _error(path)
    assert "binary" in err.message and err.line == 2


@pytest.mark.parametrize(
    "data",
    [
        "Le café est très bon, dit Müller.".encode("latin-1"),
        "Респондент: Я боялась.".encode("utf-8")[:-3] + b"\xff\xfe.",
        "日本語のテキストです".encode("shift_jis"),
    ],
)
def test_wrong_encoding_is_refused_not_guessed(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "wrong.txt"
    path.write_bytes(data)
    err = _error(path)
    assert "cannot decode" in err.message and "UTF-8" in err.message and err.line == 1


def test_broken_docx(tmp_path: Path) -> None:
    path = tmp_path / "broken.docx"
    path.write_bytes(b"PK\x03\x04 not really a zip")
    assert "Word" in _error(path).message


def test_vtt_problems_name_the_line(tmp_path: Path) -> None:
    bad_header = tmp_path / "a.vtt"
    bad_header.write_text("00:00:01.000 --> 00:00:02.000\nInterviewer: hi\n", encoding="utf-8")
    assert _error(bad_header).line == 1
    bad_timing = tmp_path / "b.vtt"
    bad_timing.write_text("WEBVTT\n\n00:00:01 --> later\nInterviewer: hi\n", encoding="utf-8")
    assert _error(bad_timing).line == 3
    stray = tmp_path / "c.srt"
    stray.write_text("1\n00:00:01,000 --> 00:00:02,000\nInterviewer: hi\n\nstray text\n", encoding="utf-8")
    assert _error(stray).line == 5


def test_unsupported_and_missing(tmp_path: Path) -> None:
    (tmp_path / "t.pdf").write_bytes(b"%PDF-1.4")
    assert "unsupported" in _error(tmp_path / "t.pdf").message
    assert "not found" in _error(tmp_path / "missing.txt").message


def test_huge_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(corpus, "MAX_FILE_BYTES", 100)
    path = tmp_path / "huge.txt"
    path.write_text(EN * 5, encoding="utf-8")
    assert "limit" in _error(path).message


def test_turn_with_no_speaker_label_names_the_line() -> None:
    text = "# header\n\nЯ боялась идти в милицию.\nInterviewer: why?\n"
    with pytest.raises(CorpusError) as info:
        parse_turns(text, Path("x/doc.txt"))
    assert info.value.line == 3 and "x/doc.txt:3" in str(info.value)
    assert "боялась" not in str(info.value)


def _entry(file: str, consent: bool = True) -> ManifestEntry:
    return ManifestEntry(id="T-1", file=file, kind="IDI", respondent_group="VoT", language="ru", consent=consent)


def test_caption_errors_name_the_file_line(tmp_path: Path) -> None:
    path = tmp_path / "t.vtt"
    path.write_text("WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v Айгуль>Я боялась.</v>\n", encoding="utf-8")
    with pytest.raises(CorpusError) as info:
        corpus.load_transcript(_entry("t.vtt"), tmp_path)
    assert info.value.line == 4 and str(path) in str(info.value)
    assert "Айгуль" not in str(info.value)


def test_no_consent_is_refused(tmp_path: Path) -> None:
    (tmp_path / "t.txt").write_text(EN, encoding="utf-8")
    with pytest.raises(ConsentError) as info:
        corpus.load_transcript(_entry("t.txt", consent=False), tmp_path)
    assert "consent" in info.value.message and str(tmp_path / "t.txt") in str(info.value)


def test_summarize_counts_by_group_with_total(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(RU, encoding="utf-8")
    (tmp_path / "b.txt").write_text(EN + "Respondent: and more.\n", encoding="utf-8")
    ts = [
        corpus.load_transcript(_entry("a.txt"), tmp_path),
        corpus.load_transcript(
            ManifestEntry(id="T-2", file="b.txt", kind="FGD", respondent_group="CSO", language="en", consent=True), tmp_path
        ),
    ]
    by_group = corpus.summarize(ts, by="respondent_group").set_index("respondent_group")
    assert list(by_group.index) == ["CSO", "VoT", "total"]
    assert by_group.loc["CSO", "turns"] == 3 and by_group.loc["CSO", "respondent_turns"] == 2
    assert by_group.loc["total", "transcripts"] == 2
    assert by_group.loc["total", "words"] == ts[0].word_count + ts[1].word_count
    table = corpus.transcript_table(ts)
    assert "text" not in table.columns and "region" not in table.columns
