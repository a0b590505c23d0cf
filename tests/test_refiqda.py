"""REFI-QDA: the export validates against the QDA-XML schema and is byte-deterministic; export ->
import gives the same codings; an NVivo-style project (CRLF, Cyrillic, emoji, UTF-16 offsets,
``Sources/`` folder) imports to correct code-point offsets in our text."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from lxml import etree

from unreported.refiqda import (
    QdaCode,
    QdaCoding,
    QdaError,
    QdaSource,
    export_qdc,
    export_qdpx,
    import_qdpx,
)

ROOT = Path(__file__).resolve().parents[1]
XSD = ROOT.parent / "shared" / "eval" / "refi_qda" / "REFI_Project.xsd"

CODES = (
    QdaCode("F1", "Confidentiality", "Data not kept confidential.", "#1F77B4"),
    QdaCode(
        "F4", "Distrust", "Distrust of police, prosecutors and courts.", "#D62728",
        children=(QdaCode("F4.1", "Corruption and complicity", color="#FF9896"),),
    ),
    QdaCode("F5", "Safety"),
)
RU = "Интервьюер: Почему вы не пошли в милицию?\r\nРеспондент: Боялась, что [PERSON] расскажет всем.\r\nИ милиции не верю.\r\n"
EN = "Interviewer: Why not?\nRespondent: They took money from my employer.\n"
SOURCES = (QdaSource("VOT-01", "VOT-01", RU), QdaSource("POL-01", "POL-01", EN))


def _span(text: str, phrase: str) -> tuple[int, int]:
    start = text.index(phrase)
    return start, start + len(phrase)


def _codings() -> list[QdaCoding]:
    return [
        QdaCoding("VOT-01", *_span(RU, "Боялась, что [PERSON] расскажет всем."), "F1", "auto"),
        QdaCoding("VOT-01", *_span(RU, "Боялась, что [PERSON] расскажет всем."), "F1", "Айгерим"),
        QdaCoding("VOT-01", *_span(RU, "И милиции не верю."), "F4", "Айгерим"),
        QdaCoding("POL-01", *_span(EN, "They took money from my employer."), "F4.1", "auto"),
    ]


def test_export_validates_against_the_schema(tmp_path: Path) -> None:
    if not XSD.is_file():
        pytest.skip("REFI_Project.xsd (../shared/eval/refi_qda) is not present")
    out = tmp_path / "study.qdpx"
    export_qdpx(out, SOURCES, CODES, _codings(), project_name="synthetic-kg")
    with zipfile.ZipFile(out) as zf:
        names = zf.namelist()
        qde = zf.read("project.qde")
        assert all(n == "project.qde" or (n.startswith("sources/") and n.endswith(".txt")) for n in names)
        assert len(names) == 3
        texts = {zf.read(n).decode("utf-8") for n in names if n.startswith("sources/")}
    assert texts == {RU, EN}
    schema = etree.XMLSchema(etree.parse(str(XSD)))
    doc = etree.fromstring(qde)
    assert schema.validate(doc), schema.error_log
    ns = {"q": "urn:QDA-XML:project:1.0"}
    assert sorted(u.get("name") for u in doc.findall(".//q:User", ns)) == ["auto", "Айгерим"]
    assert len(doc.findall(".//q:PlainTextSelection", ns)) == 4


def test_export_is_byte_deterministic(tmp_path: Path) -> None:
    a, b = tmp_path / "a.qdpx", tmp_path / "b.qdpx"
    export_qdpx(a, SOURCES, CODES, _codings(), project_name="synthetic-kg")
    export_qdpx(b, tuple(reversed(SOURCES)), CODES, list(reversed(_codings())), project_name="synthetic-kg")
    assert a.read_bytes() == b.read_bytes()
    c, d = tmp_path / "c.qdc", tmp_path / "d.qdc"
    export_qdc(c, CODES)
    export_qdc(d, CODES)
    assert c.read_bytes() == d.read_bytes()


def test_codebook_qdc(tmp_path: Path) -> None:
    out = tmp_path / "codebook.qdc"
    export_qdc(out, CODES)
    root = etree.parse(str(out)).getroot()
    ns = {"c": "urn:QDA-XML:codebook:1.0"}
    assert root.tag == "{urn:QDA-XML:codebook:1.0}CodeBook"
    names = [c.get("name") for c in root.iterfind(".//c:Code", ns)]
    assert names == ["F1 Confidentiality", "F4 Distrust", "F4.1 Corruption and complicity", "F5 Safety"]
    nested = root.find(".//c:Code[@name='F4 Distrust']/c:Code", ns)
    assert nested is not None and nested.get("color") == "#FF9896"


def test_round_trip_with_cyrillic_and_crlf(tmp_path: Path) -> None:
    out = tmp_path / "study.qdpx"
    export_qdpx(out, SOURCES, CODES, _codings(), project_name="synthetic-kg")
    assert import_qdpx(out, SOURCES) == sorted(_codings())
    # without our sources: positions in the canonical form of the project's text (\n line ends)
    canonical = RU.replace("\r\n", "\n")
    got = [c for c in import_qdpx(out) if c.source_id == "VOT-01" and c.code_id == "F4"]
    assert [canonical[c.start : c.end] for c in got] == ["И милиции не верю."]


def _nvivo_project(path: Path, text: str, selections: list[tuple[int, int, str, str]]) -> None:
    """A project as NVivo writes it: CRLF text, UTF-16 offsets, `Sources/`, braced upper-case GUIDs."""
    users = {"Nurlan": "{9A0E1C52-7B43-4D8A-9C11-0F2E3D4C5B6A}", "Айгерим": "{1B2C3D4E-5F60-4718-8293-A4B5C6D7E8F9}"}
    codes = {"F4 Distrust": "{AAAAAAAA-0000-4000-8000-000000000004}", "Stigma from family": "{AAAAAAAA-0000-4000-8000-000000000099}",
             "F1: Confidentiality": "{AAAAAAAA-0000-4000-8000-000000000001}"}
    src = "{C0FFEE00-1234-4321-ABCD-00000000BEEF}"
    sels = "".join(
        f'<PlainTextSelection guid="{{5E1EC700-0000-4000-8000-{i:012d}}}" startPosition="{s}" endPosition="{e}" '
        f'creatingUser="{users[u]}"><Coding guid="{{C0D1E600-0000-4000-8000-{i:012d}}}" creatingUser="{users[u]}">'
        f'<CodeRef targetGUID="{codes[c]}"/></Coding></PlainTextSelection>'
        for i, (s, e, c, u) in enumerate(selections)
    )
    qde = (
        '<?xml version="1.0" encoding="utf-8"?>'
        '<Project xmlns="urn:QDA-XML:project:1.0" name="Trafficking KG" origin="NVivo 14.23.0 (Windows)">'
        "<Users>" + "".join(f'<User guid="{g}" name="{n}"/>' for n, g in users.items()) + "</Users>"
        "<CodeBook><Codes>" + "".join(f'<Code guid="{g}" name="{n}" isCodable="true"/>' for n, g in codes.items())
        + "</Codes></CodeBook>"
        f'<Sources><TextSource guid="{src}" name="VOT-07.txt" plainTextPath="internal://{src}.txt">{sels}</TextSource></Sources>'
        "</Project>"
    )
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("project.qde", qde.encode("utf-8"))
        zf.writestr(f"Sources/{src}.txt", b"\xef\xbb\xbf" + text.encode("utf-8"))


def _utf16_span(text: str, phrase: str) -> tuple[int, int]:
    start = text.index(phrase)
    before = len(text[:start].encode("utf-16-le")) // 2
    return before, before + len(phrase.encode("utf-16-le")) // 2


def test_import_nvivo_style_project(tmp_path: Path) -> None:
    ours = (
        "Интервьюер: Как вы узнали о работе? 🙂\n"
        "Респондент: Через 𝐓𝐞𝐥𝐞𝐠𝐫𝐚𝐦 😢 — мама потом стыдилась меня.\n"
        "Милиция деньги взяла 💰 и ничего не сделала.\n"
    )
    theirs = ours.replace("\n", "\r\n").removesuffix("\r\n")  # NVivo drops the last line break
    f4 = "Милиция деньги взяла 💰 и ничего не сделала."
    stigma = "мама потом стыдилась меня."
    f1 = "Через 𝐓𝐞𝐥𝐞𝐠𝐫𝐚𝐦 😢"
    project = tmp_path / "nvivo.qdpx"
    _nvivo_project(
        project,
        theirs,
        [
            (*_utf16_span(theirs, f4), "F4 Distrust", "Айгерим"),
            (*_utf16_span(theirs, stigma), "Stigma from family", "Nurlan"),
            (*_utf16_span(theirs, f1), "F1: Confidentiality", "Nurlan"),
        ],
    )
    got = import_qdpx(project, [QdaSource("VOT-07", "VOT-07", ours)])
    assert {(c.code_id, c.coder, ours[c.start : c.end]) for c in got} == {
        ("F4", "Айгерим", f4),
        ("Stigma from family", "Nurlan", stigma),
        ("F1", "Nurlan", f1),
    }
    assert all(c.source_id == "VOT-07" for c in got)


def test_import_refuses_a_different_text(tmp_path: Path) -> None:
    project = tmp_path / "other.qdpx"
    text = "Респондент: Я боялась 🙂.\r\n"
    _nvivo_project(project, text, [(*_utf16_span(text, "боялась"), "F4 Distrust", "Nurlan")])
    with pytest.raises(QdaError) as info:
        import_qdpx(project, [QdaSource("VOT-07", "VOT-07", "Респондент: Я не боялась.\n")])
    assert "differs from ours" in str(info.value) and str(project) in str(info.value)
    with pytest.raises(QdaError, match="matches none of our sources"):
        import_qdpx(project, [QdaSource("VOT-99", "VOT-99", "x")])


def test_import_bad_files(tmp_path: Path) -> None:
    not_zip = tmp_path / "x.qdpx"
    not_zip.write_bytes(b"not a zip")
    with pytest.raises(QdaError, match="zip"):
        import_qdpx(not_zip)
    no_qde = tmp_path / "y.qdpx"
    with zipfile.ZipFile(no_qde, "w") as zf:
        zf.writestr("sources/a.txt", "x")
    with pytest.raises(QdaError, match="project.qde"):
        import_qdpx(no_qde)
    broken = tmp_path / "z.qdpx"
    with zipfile.ZipFile(broken, "w") as zf:
        zf.writestr("project.qde", "<Project><Sources>")
    with pytest.raises(QdaError, match="well-formed"):
        import_qdpx(broken)


def test_export_rejects_bad_codings(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown code"):
        export_qdpx(tmp_path / "a.qdpx", SOURCES, CODES, [QdaCoding("POL-01", 0, 5, "F9", "auto")], project_name="p")
    with pytest.raises(ValueError, match="outside the text"):
        export_qdpx(tmp_path / "a.qdpx", SOURCES, CODES, [QdaCoding("POL-01", 0, 10_000, "F1", "auto")], project_name="p")


@pytest.mark.parametrize("origin", ["ATLAS.ti 23.2.1", "MAXQDA 2022 (22.4.0)", "QualCoder 3.5"])
def test_import_code_point_projects_from_other_tools(tmp_path: Path, origin: str) -> None:
    """Tools that count code points over \\n text, with lower-case `sources/` and un-braced GUIDs."""
    text = "Респондент: 😢 Полиция взяла деньги.\nКатышуучу 2: Биз коркобуз.\n"
    phrase = "Биз коркобуз."
    start = text.index(phrase)
    qde = (
        f'<Project xmlns="urn:QDA-XML:project:1.0" name="p" origin="{origin}">'
        '<Users><User guid="0a0b0c0d-0000-4000-8000-000000000001" name="Ana"/></Users>'
        '<CodeBook><Codes><Code guid="0a0b0c0d-0000-4000-8000-0000000000f5" name="F5 - Safety" isCodable="true">'
        '<Code guid="0a0b0c0d-0000-4000-8000-0000000000f6" name="F5.2 Family threatened" isCodable="true"/></Code>'
        "</Codes></CodeBook><Sources>"
        '<TextSource guid="0a0b0c0d-0000-4000-8000-00000000000a" name="FGD-01" plainTextPath="internal://a.txt">'
        f'<PlainTextSelection guid="0a0b0c0d-0000-4000-8000-0000000000aa" startPosition="{start}" '
        f'endPosition="{start + len(phrase)}" creatingUser="0a0b0c0d-0000-4000-8000-000000000001">'
        '<Coding guid="0a0b0c0d-0000-4000-8000-0000000000ab"><CodeRef targetGUID="0a0b0c0d-0000-4000-8000-0000000000f5"/></Coding>'
        '<Coding guid="0a0b0c0d-0000-4000-8000-0000000000ac"><CodeRef targetGUID="0a0b0c0d-0000-4000-8000-0000000000f6"/></Coding>'
        "</PlainTextSelection></TextSource></Sources></Project>"
    )
    project = tmp_path / "p.qdpx"
    with zipfile.ZipFile(project, "w") as zf:
        zf.writestr("project.qde", qde)
        zf.writestr("sources/a.txt", text)
    got = import_qdpx(project, [QdaSource("FGD-01", "FGD-01", text)], code_ids=["F5", "F5.2"])
    assert [(c.code_id, c.coder, text[c.start : c.end]) for c in got] == [("F5", "Ana", phrase), ("F5.2", "Ana", phrase)]
