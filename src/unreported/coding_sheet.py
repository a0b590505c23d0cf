"""Review without a QDA tool: suggested codes in an Excel sheet a researcher accepts or corrects.

The sheet ``coding`` has one row per unit (unit id, transcript, group, language, redacted
text) and, per code, three columns: the auto-coder's score, its evidence, and an ``accept``
column pre-filled with 1 where the code was suggested and 0 elsewhere, restricted to 1/0 by
data validation. The researcher edits only the accept columns; :func:`import_sheet` reads
them back as a human coder's codings. A second sheet lists the codebook.

A *blind* sheet (``suggestions=None``) has no score or evidence columns and empty accept cells:
it is what each coder of a double-coded sample gets (``unreported code sample``), so that
human–human agreement is measured without the auto-coder's suggestions anchoring either coder.

Cells are written as text, never as formulas, so a unit that starts with ``=`` stays words.
The file is deterministic: the same input gives the same bytes.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from pathlib import Path

from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from unreported.cache import atomic_write_bytes, deterministic_zip
from unreported.errors import UnreportedError

SHEET = "coding"
CODEBOOK_SHEET = "codebook"
UNIT_COLUMNS = (("unit", "id", 16), ("transcript", "doc", 12), ("group", "group", 14), ("language", "lang", 9), ("text", "text", 70))
_MAX_CELL = 32_767  # Excel's limit for one cell
_HEADER_FILL = PatternFill("solid", fgColor="DDE4EE")
_EDIT_FILL = PatternFill("solid", fgColor="FFF2CC")
_WRAP = Alignment(wrap_text=True, vertical="top")
_TOP = Alignment(vertical="top")


class SheetError(UnreportedError):
    """A coding sheet cannot be read back: names the file, row and column."""


def _header(code: str, part: str) -> str:
    return f"{code} {part}"


def _text_cell(ws, row: int, col: int, value: str, *, unit: str) -> None:
    if len(value) > _MAX_CELL:
        raise ValueError(f"unit {unit}: text longer than Excel's {_MAX_CELL} characters per cell; split the unit")
    cell = ws.cell(row=row, column=col, value=ILLEGAL_CHARACTERS_RE.sub(" ", value))
    cell.data_type = "s"  # never a formula
    cell.alignment = _WRAP


def export_sheet(
    path: Path,
    units: Sequence[Mapping[str, str]],
    suggestions: Mapping[str, Sequence[Mapping[str, object]]] | None,
    codes: Sequence[str],
    codebook_names: Mapping[str, str],
) -> None:
    """Write the review sheet (``.xlsx``) for ``units`` with the auto-coder's ``suggestions``,
    or a blind sheet (no scores, no evidence, accept cells empty) when ``suggestions`` is None."""
    ids = [str(u["id"]) for u in units]
    if len(set(ids)) != len(ids):
        raise ValueError("unit ids must be unique")
    blind = suggestions is None
    suggestions = suggestions or {}
    parts = (("accept", 9),) if blind else (("score", 8), ("evidence", 40), ("accept", 9))
    unknown = sorted({s["code"] for v in suggestions.values() for s in v} - set(codes))
    if unknown:
        raise ValueError(f"suggestions use codes that are not in the codebook: {', '.join(map(str, unknown))}")
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    headers = [h for h, _, _ in UNIT_COLUMNS]
    widths = [w for _, _, w in UNIT_COLUMNS]
    for code in codes:
        headers += [_header(code, part) for part, _ in parts]
        widths += [width for _, width in parts]
    for col, (title, width) in enumerate(zip(headers, widths), start=1):
        cell = ws.cell(row=1, column=col, value=title)
        cell.font = Font(bold=True)
        cell.fill = _HEADER_FILL
        cell.alignment = _WRAP
        ws.column_dimensions[get_column_letter(col)].width = width
    first_code_col = len(UNIT_COLUMNS) + 1
    step = len(parts)
    for k, code in enumerate(codes):
        accept = ws.cell(row=1, column=first_code_col + step * k + step - 1)
        accept.comment = Comment(f"{code} {codebook_names.get(code, '')}: 1 = applies, 0 = does not", "unreported")

    for row, unit in enumerate(units, start=2):
        uid = str(unit["id"])
        for col, (_, key, _) in enumerate(UNIT_COLUMNS, start=1):
            _text_cell(ws, row, col, str(unit.get(key, "")), unit=uid)
        by_code = {}
        for s in suggestions.get(uid, ()):
            best = by_code.get(s["code"])
            if best is None or float(s.get("score", 0)) > float(best.get("score", 0)):
                by_code[s["code"]] = s
        for k, code in enumerate(codes):
            col = first_code_col + step * k
            s = by_code.get(code)
            if s is not None:
                score = ws.cell(row=row, column=col, value=round(float(s.get("score", 0.0)), 4))
                score.number_format = "0.00"
                score.alignment = _TOP
                _text_cell(ws, row, col + 1, str(s.get("evidence", "")), unit=uid)
            accept = ws.cell(row=row, column=col + step - 1, value=None if blind else int(s is not None))
            accept.fill = _EDIT_FILL
            accept.alignment = _TOP

    last = max(2, len(units) + 1)
    validation = DataValidation(
        type="list", formula1='"1,0"', allow_blank=blind, showErrorMessage=True,
        errorTitle="1 or 0", error="Type 1 if the code applies to this unit, 0 if it does not.",
    )
    for k in range(len(codes)):
        letter = get_column_letter(first_code_col + step * k + step - 1)
        validation.add(f"{letter}2:{letter}{last}")
    ws.add_data_validation(validation)
    ws.freeze_panes = "B2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{last}"

    cb = wb.create_sheet(CODEBOOK_SHEET)
    for col, (title, width) in enumerate((("code", 10), ("name", 60)), start=1):
        cell = cb.cell(row=1, column=col, value=title)
        cell.font = Font(bold=True)
        cell.fill = _HEADER_FILL
        cb.column_dimensions[get_column_letter(col)].width = width
    for row, code in enumerate(codes, start=2):
        cb.cell(row=row, column=1, value=code).data_type = "s"
        _text_cell(cb, row, 2, codebook_names.get(code, ""), unit=code)
    cb.freeze_panes = "A2"

    buf = io.BytesIO()
    wb.save(buf)
    atomic_write_bytes(Path(path), deterministic_zip(buf.getvalue()))


def _accept_value(value: object) -> bool | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return False  # a cleared cell means "does not apply"
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.strip() in ("0", "1", "0.0", "1.0"):
        return value.strip().startswith("1")
    return None


def import_sheet(path: Path, codes: Sequence[str]) -> dict[str, set[str]]:
    """The accepted codes per unit id, read from the accept columns of a reviewed sheet.

    An empty accept cell counts as 0. Any other value than 1 or 0, a missing column, a row
    without a unit id or a duplicate unit id is an error naming the file, row and column.
    """
    path = Path(path)
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises zipfile, KeyError and its own errors
        raise SheetError(f"not a readable .xlsx coding sheet ({type(exc).__name__})", path=path) from None
    try:
        if SHEET not in wb.sheetnames:
            raise SheetError(f"no sheet named {SHEET!r} (found {', '.join(wb.sheetnames)})", path=path)
        rows = wb[SHEET].iter_rows(values_only=True)
        header = [str(h).strip() if h is not None else "" for h in next(rows, ())]
        columns = {h: i for i, h in enumerate(header) if h}
        if "unit" not in columns:
            raise SheetError("sheet 'coding' has no 'unit' column in row 1", path=path, line=1)
        missing = [_header(c, "accept") for c in codes if _header(c, "accept") not in columns]
        if missing:
            raise SheetError(f"row 1: missing column(s) {', '.join(missing)}", path=path, line=1)
        result: dict[str, set[str]] = {}
        problems: list[str] = []
        for rowno, row in enumerate(rows, start=2):
            if row is None or all(v is None or (isinstance(v, str) and not v.strip()) for v in row):
                continue
            cells = list(row) + [None] * (len(header) - len(row))
            uid = cells[columns["unit"]]
            if uid is None or not str(uid).strip():
                problems.append(f"row {rowno}, column A (unit): no unit id")
                continue
            uid = str(uid).strip()
            if uid in result:
                problems.append(f"row {rowno}, column A (unit): unit {uid!r} appears twice")
                continue
            accepted = set()
            for code in codes:
                col = columns[_header(code, "accept")]
                value = _accept_value(cells[col])
                if value is None:
                    problems.append(
                        f"row {rowno}, column {get_column_letter(col + 1)} ({_header(code, 'accept')}): "
                        f"{str(cells[col])[:12]!r} is not 1 or 0"
                    )
                elif value:
                    accepted.add(code)
            result[uid] = accepted
        if problems:
            shown = problems[:30] + ([f"... and {len(problems) - 30} more"] if len(problems) > 30 else [])
            raise SheetError(f"{len(problems)} problem(s) in the coding sheet:\n  " + "\n  ".join(shown), path=path)
        return result
    finally:
        wb.close()
