"""The double-coding sample: stratified, deterministic, blind sheets per coder, and the coders'
agreement with each other computed once the sheets come back."""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

from unreported.cli import main
from unreported.coding.sample import NO_CODE, draw_sample, write_double_coding
from unreported.coding_sheet import import_sheet
from unreported.config import FACTOR_IDS, PROJECT_ROOT
from unreported.errors import UnreportedError
from unreported.reliability import reliability_table

CODES = list(FACTOR_IDS)
NAMES = {c: c for c in CODES}


def _units(n_per_lang: int = 30) -> tuple[list[dict], dict[str, list[dict]]]:
    """Units in three languages; most have no suggestion, a few per language have F1 or F7."""
    units, suggestions = [], {}
    for lang in ("en", "ru", "ky"):
        for i in range(n_per_lang):
            uid = f"{lang.upper()}-01#{i:03d}"
            units.append({"id": uid, "doc": f"{lang.upper()}-01", "group": "VoT", "lang": lang, "text": f"text {i}"})
            if i % 10 == 0:
                suggestions[uid] = [{"code": "F1", "score": 0.9, "evidence": "e"}, {"code": "F4", "score": 0.6, "evidence": "e"}]
            elif i % 10 == 1:
                suggestions[uid] = [{"code": "F7", "score": 0.7, "evidence": "e"}]
    return units, suggestions


def test_sample_covers_every_stratum_and_is_deterministic() -> None:
    units, suggestions = _units()
    sample = draw_sample(units, suggestions, 18, seed=3)
    strata = [name for _, name in sample]
    assert len(sample) == 18
    # 9 strata (3 languages × {F1, F7, none}) drawn in turn: two each, rare ones included
    assert {s: strata.count(s) for s in set(strata)} == {f"{lang}:{c}": 2 for lang in ("en", "ru", "ky") for c in ("F1", "F7", NO_CODE)}
    assert sample == draw_sample(units, suggestions, 18, seed=3)
    position = {u["id"]: i for i, u in enumerate(units)}
    assert [position[u["id"]] for u, _ in sample] == sorted(position[u["id"]] for u, _ in sample)  # corpus order
    assert [u["id"] for u, _ in sample] != [u["id"] for u, _ in draw_sample(units, suggestions, 18, seed=4)]


def test_sample_larger_than_the_corpus_takes_every_unit() -> None:
    units, suggestions = _units(4)
    assert len(draw_sample(units, suggestions, 500)) == len(units)
    with pytest.raises(ValueError, match="at least one unit"):
        draw_sample(units, suggestions, 0)


def test_blind_sheets_round_trip_into_human_human_agreement(tmp_path: Path) -> None:
    units, suggestions = _units()
    counts = write_double_coding(tmp_path, units, suggestions, CODES, NAMES, ["anna", "bolot"], 12, seed=0)
    assert sum(counts.values()) == 12
    with (tmp_path / "sample.csv").open(encoding="utf-8") as fh:
        ids = [row["unit"] for row in csv.DictReader(fh)]
    for coder in ("anna", "bolot"):
        ws = load_workbook(tmp_path / f"{coder}.xlsx")["coding"]
        header = [c.value for c in ws[1]]
        assert not any(h.endswith((" score", " evidence")) for h in header)  # blind: no suggestions shown
        assert [f"{c} accept" for c in CODES] == [h for h in header if h.endswith(" accept")]
        assert [ws.cell(row=r, column=1).value for r in range(2, ws.max_row + 1)] == ids
        assert all(ws.cell(row=r, column=c).value is None for r in range(2, ws.max_row + 1) for c in range(6, ws.max_column + 1))

    # the coders fill in their sheets; they disagree on one unit
    def fill(coder: str, disagree: bool) -> None:
        wb = load_workbook(tmp_path / f"{coder}.xlsx")
        ws = wb["coding"]
        col = {c.value: c.column for c in ws[1]}
        for r in range(2, ws.max_row + 1):
            ws.cell(row=r, column=col["F2 accept"], value=1 if r % 2 else 0)
            if disagree and r == 2:
                ws.cell(row=r, column=col["F5 accept"], value=1)
        wb.save(tmp_path / f"{coder}.xlsx")

    fill("anna", False)
    fill("bolot", True)
    coders = {c: import_sheet(tmp_path / f"{c}.xlsx", CODES) for c in ("anna", "bolot")}
    assert set(coders["anna"]) == set(ids)
    table = reliability_table(coders, CODES, seed=0).set_index("code")
    assert table.loc["F2", "kappa"] == pytest.approx(1.0)
    assert table.loc["F5", "percent_agreement"] == pytest.approx(11 / 12)


@pytest.mark.parametrize(
    ("coders", "message"),
    [(["anna"], "at least two coders"), (["anna", "anna"], "distinct"), (["anna", "../x"], "../x")],
)
def test_bad_coder_names_are_refused(tmp_path: Path, coders: list[str], message: str) -> None:
    units, suggestions = _units(2)
    with pytest.raises(UnreportedError, match=message):
        write_double_coding(tmp_path / "out", units, suggestions, CODES, NAMES, coders, 5)
    assert not (tmp_path / "out").exists()


def _study(tmp_path: Path, coded: bool) -> Path:
    out = tmp_path / "output" / "coding"
    out.mkdir(parents=True)
    units, suggestions = _units(5)
    if coded:
        (out / "units.jsonl").write_text("".join(json.dumps(u) + "\n" for u in units), encoding="utf-8")
        (out / "codes.jsonl").write_text(
            "".join(json.dumps({"unit": uid, **s}) + "\n" for uid, ss in suggestions.items() for s in ss), encoding="utf-8"
        )
    path = tmp_path / "study.yml"
    path.write_text(
        f"name: t\ncountry: KG\nlanguages: [en, ru, ky]\ncorpus: corpus\noutput: output\n"
        f"codebook: {PROJECT_ROOT / 'coding' / 'codebook.yml'}\nrecommendations: {PROJECT_ROOT / 'coding' / 'recommendations.yml'}\n",
        encoding="utf-8",
    )
    (tmp_path / "corpus").mkdir()
    return path


def _run(args: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    monkeypatch.setattr(sys, "argv", ["unreported", *args])
    with pytest.raises(SystemExit) as info:
        main()
        raise SystemExit(0)
    return int(info.value.code or 0), capsys.readouterr().err


def test_cli_writes_one_sheet_per_coder(tmp_path: Path, monkeypatch, capsys) -> None:
    study = _study(tmp_path, coded=True)
    code, err = _run(["code", "sample", "--study", str(study), "--n", "6", "--coders", "anna,bolot", "-o", str(tmp_path / "dc")], monkeypatch, capsys)
    assert code == 0, err
    assert "6 unit(s)" in err and "anna.xlsx" in err and "coding/human" in err.replace("\\", "/")
    assert sorted(p.name for p in (tmp_path / "dc").iterdir()) == ["anna.xlsx", "bolot.xlsx", "sample.csv"]


def test_cli_before_the_coding_stage_says_what_to_run(tmp_path: Path, monkeypatch, capsys) -> None:
    study = _study(tmp_path, coded=False)
    code, err = _run(["code", "sample", "--study", str(study), "-o", str(tmp_path / "dc")], monkeypatch, capsys)
    assert code != 0 and "run `unreported code` first" in err
    assert not (tmp_path / "dc").exists()
