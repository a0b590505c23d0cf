"""The review sheet: suggestions out, a researcher's accept/reject decisions back in."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook

from unreported.coding_sheet import SheetError, export_sheet, import_sheet

CODES = ["F1", "F2", "F4"]
NAMES = {"F1": "Confidentiality", "F2": "Legal literacy", "F4": "Distrust"}
UNITS = [
    {"id": "VOT-01#001", "doc": "VOT-01", "group": "VoT", "lang": "ru", "text": "Боялась, что [PERSON] всем расскажет."},
    {"id": "VOT-01#003", "doc": "VOT-01", "group": "VoT", "lang": "ru", "text": "=SUM(A1:A9) не формула, а слова."},
    {"id": "POL-01#002", "doc": "POL-01", "group": "police", "lang": "en", "text": "Victims rarely\x0cknow the law."},
]
SUGGESTIONS = {
    "VOT-01#001": [{"code": "F1", "score": 0.83, "evidence": "всем расскажет"}],
    "POL-01#002": [{"code": "F2", "score": 0.61, "evidence": "rarely know the law"},
                   {"code": "F4", "score": 0.2, "evidence": "Victims"}],
}


def _export(tmp_path: Path) -> Path:
    path = tmp_path / "sheet.xlsx"
    export_sheet(path, UNITS, SUGGESTIONS, CODES, NAMES)
    return path


def test_round_trip_prefilled_from_suggestions(tmp_path: Path) -> None:
    assert import_sheet(_export(tmp_path), CODES) == {
        "VOT-01#001": {"F1"},
        "VOT-01#003": set(),
        "POL-01#002": {"F2", "F4"},
    }


def test_layout_validation_and_text_cells(tmp_path: Path) -> None:
    wb = load_workbook(_export(tmp_path))
    ws = wb["coding"]
    header = [c.value for c in ws[1]]
    assert header[:5] == ["unit", "transcript", "group", "language", "text"]
    assert header[5:8] == ["F1 score", "F1 evidence", "F1 accept"]
    assert ws.freeze_panes == "B2"
    assert ws.column_dimensions["E"].width >= 60
    assert ws["E3"].value.startswith("=SUM") and ws["E3"].data_type == "s"
    assert ws["F2"].value == pytest.approx(0.83) and ws["G2"].value == "всем расскажет"
    ranges = {str(r) for dv in ws.data_validations.dataValidation for r in dv.sqref.ranges}
    assert {"H2:H4", "K2:K4", "N2:N4"} <= ranges
    assert [(r[0].value, r[1].value) for r in wb["codebook"].iter_rows(min_row=2)] == list(NAMES.items())


def test_researcher_corrections_are_read_back(tmp_path: Path) -> None:
    path = _export(tmp_path)
    wb = load_workbook(path)
    ws = wb["coding"]
    ws["H2"] = 0      # reject F1 on the first unit
    ws["K3"] = "1"    # accept F2 on the second (typed as text)
    ws["N4"] = None   # clear F4 on the third: does not apply
    wb.save(path)
    assert import_sheet(path, CODES) == {"VOT-01#001": set(), "VOT-01#003": {"F2"}, "POL-01#002": {"F2"}}


def test_bad_values_name_file_row_and_column(tmp_path: Path) -> None:
    path = _export(tmp_path)
    wb = load_workbook(path)
    ws = wb["coding"]
    ws["H3"] = "yes"
    ws["N4"] = 2
    ws["A4"] = "VOT-01#001"
    wb.save(path)
    with pytest.raises(SheetError) as info:
        import_sheet(path, CODES)
    message = str(info.value)
    assert message.startswith(str(path))
    assert "row 3, column H (F1 accept): 'yes' is not 1 or 0" in message
    assert "row 4, column A (unit): unit 'VOT-01#001' appears twice" in message


def test_missing_column_and_not_a_workbook(tmp_path: Path) -> None:
    with pytest.raises(SheetError, match="missing column"):
        import_sheet(_export(tmp_path), [*CODES, "F7"])
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"not a workbook")
    with pytest.raises(SheetError, match="not a readable"):
        import_sheet(bad, CODES)


def test_same_input_same_bytes(tmp_path: Path) -> None:
    a, b = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    export_sheet(a, UNITS, SUGGESTIONS, CODES, NAMES)
    export_sheet(b, UNITS, SUGGESTIONS, CODES, NAMES)
    assert a.read_bytes() == b.read_bytes()
    import zipfile

    with zipfile.ZipFile(a) as zf:
        assert b"2021-01-01T00:00:00Z</dcterms:modified>" in zf.read("docProps/core.xml")
        assert {i.date_time for i in zf.infolist()} == {(2021, 1, 1, 0, 0, 0)}


def test_unknown_suggested_code_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="F9"):
        export_sheet(tmp_path / "x.xlsx", UNITS, {"VOT-01#001": [{"code": "F9", "score": 1, "evidence": ""}]}, CODES, NAMES)
