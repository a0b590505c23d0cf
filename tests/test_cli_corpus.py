"""`unreported corpus check`: a table of counts on a good corpus; on any problem a clean message
naming the file (and line or row), exit code 1, and the corpus folder left byte-for-byte as it was."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import docx
import pytest

from unreported import corpus as corpus_mod
from unreported.cli import main

ROOT = Path(__file__).resolve().parents[1]
HEADER = "id,file,kind,respondent_group,language,region,date,consent\n"
EN = "# FICTIONAL\n\nInterviewer: Why not the police?\nRespondent: I was afraid.\n"
RU = "Интервьюер: Почему?\nРеспондент: Боялась, что все узнают.\n"
KY = "Интервьюер: Эмне үчүн?\nКатышуучу 2: Коркконбуз.\nКатышуучу 3: Ишенбейбиз.\n"


def _tree_hash(folder: Path) -> str:
    digest = hashlib.sha256()
    for p in sorted(folder.rglob("*")):
        digest.update(str(p.relative_to(folder)).encode())
        if p.is_file():
            digest.update(p.read_bytes())
    return digest.hexdigest()


@pytest.fixture
def study(tmp_path: Path) -> Path:
    """A small valid corpus in four formats and three languages, and a study file naming it."""
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "VOT-01.txt").write_bytes(RU.encode("cp1251"))
    (folder / "CSO-01.txt").write_text(EN, encoding="utf-8")
    document = docx.Document()
    for line in KY.strip().split("\n"):
        document.add_paragraph(line)
    document.save(str(folder / "FGD-01.docx"))
    (folder / "POL-01.vtt").write_text(
        "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v Interviewer>Why?</v>\n\n"
        "00:00:03.000 --> 00:00:04.000\n<v Respondent>No trust.</v>\n",
        encoding="utf-8",
    )
    (folder / "manifest.csv").write_text(
        HEADER
        + "VOT-01,VOT-01.txt,IDI,VoT,ru,Chui,2021-03-02,yes\n"
        + "CSO-01,CSO-01.txt,IDI,CSO,en,Osh,2021-03-03,yes\n"
        + "FGD-01,FGD-01.docx,FGD,VoT,ky,Naryn,2021-03-04,yes\n"
        + "POL-01,POL-01.vtt,IDI,police,en,Bishkek,2021-03-05,yes\n",
        encoding="utf-8",
    )
    path = tmp_path / "study.yml"
    path.write_text("name: test\ncountry: KG\nlanguages: [en, ru, ky]\ncorpus: corpus\n", encoding="utf-8")
    return path


def _run(args: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "argv", ["unreported", *args])
    with pytest.raises(SystemExit) as info:
        main()
        raise SystemExit(0)
    out, err = capsys.readouterr()
    return int(info.value.code or 0), out, err


def test_check_prints_counts_per_group_language_and_kind(study: Path, monkeypatch, capsys, caplog) -> None:
    before = _tree_hash(study.parent / "corpus")
    with caplog.at_level("WARNING"):
        code, out, err = _run(["corpus", "check", "--study", str(study)], monkeypatch, capsys)
    assert code == 0, err
    for heading in ("Respondent group", "Language", "Kind", "VoT", "CSO", "police", "ru", "ky", "FGD", "total"):
        assert heading in out
    assert "4 transcripts" in out
    assert any("cp1251" in m and "VOT-01.txt" in m for m in caplog.messages)  # the legacy encoding is named
    for text in ("Боялась", "afraid", "Коркконбуз", "Chui", "Osh"):  # no transcript text, no region
        assert text not in out + err + caplog.text
    assert _tree_hash(study.parent / "corpus") == before


def _break(study: Path, name: str) -> tuple[str, str]:
    """Damage the corpus one way; returns (file that must be named, line/row marker or '')."""
    folder = study.parent / "corpus"
    manifest = folder / "manifest.csv"
    if name == "empty":
        (folder / "CSO-01.txt").write_bytes(b"")
        return "CSO-01.txt", ""
    if name == "binary":
        (folder / "CSO-01.txt").write_bytes(b"\x00\x01\x02PNG" * 10)
        return "CSO-01.txt", ""
    if name == "wrong_encoding":
        (folder / "CSO-01.txt").write_bytes("Interviewer: café?\nRespondent: très bien\n".encode("latin-1"))
        return "CSO-01.txt", ":1"
    if name == "no_label":
        (folder / "CSO-01.txt").write_text("# FICTIONAL\n\nI was afraid.\nInterviewer: why?\n", encoding="utf-8")
        return "CSO-01.txt", ":3"
    if name == "broken_row":
        manifest.write_text(manifest.read_text(encoding="utf-8") + "X-1,X-1.txt,IDI\n", encoding="utf-8")
        return "manifest.csv", "row 6"
    if name == "duplicate_id":
        text = manifest.read_text(encoding="utf-8").replace("CSO-01,CSO-01.txt", "VOT-01,CSO-01.txt")
        manifest.write_text(text, encoding="utf-8")
        return "manifest.csv", "row 3: duplicate id"
    if name == "unknown_group":
        manifest.write_text(manifest.read_text(encoding="utf-8").replace(",CSO,", ",NGO,"), encoding="utf-8")
        return "manifest.csv", "row 3, column respondent_group"
    if name == "missing_file":
        (folder / "POL-01.vtt").unlink()
        return "manifest.csv", "row 5: listed file 'POL-01.vtt' does not exist"
    if name == "unlisted_file":
        (folder / "EXTRA.srt").write_text("1\n00:00:01,000 --> 00:00:02,000\nR: x\n", encoding="utf-8")
        return "manifest.csv", "'EXTRA.srt' is not listed"
    if name == "no_consent":
        manifest.write_text(manifest.read_text(encoding="utf-8").replace("2021-03-03,yes", "2021-03-03,no"), encoding="utf-8")
        return "CSO-01.txt", "consent"
    raise AssertionError(name)


BAD = ["empty", "binary", "wrong_encoding", "no_label", "broken_row", "duplicate_id",
       "unknown_group", "missing_file", "unlisted_file", "no_consent"]


@pytest.mark.parametrize("damage", BAD)
def test_check_fails_cleanly_and_touches_nothing(study: Path, damage: str, monkeypatch, capsys) -> None:
    named, marker = _break(study, damage)
    before = _tree_hash(study.parent / "corpus")
    code, out, err = _run(["corpus", "check", "--study", str(study)], monkeypatch, capsys)
    assert code == 1
    assert "error:" in err and "Traceback" not in err
    assert named in err and marker in err
    assert _tree_hash(study.parent / "corpus") == before


def test_huge_file(study: Path, monkeypatch, capsys) -> None:
    monkeypatch.setattr(corpus_mod, "MAX_FILE_BYTES", 70)
    code, _, err = _run(["corpus", "check", "--study", str(study)], monkeypatch, capsys)
    assert code == 1, err
    assert "CSO-01.txt: file is 72 bytes, over the 70 bytes limit" in err.replace("\n", "")


def test_bad_study_file(tmp_path: Path, monkeypatch, capsys) -> None:
    (tmp_path / "study.yml").write_text("name: x\ncountry: Kyrgyzstan\nlanguages: [ru]\n", encoding="utf-8")
    code, _, err = _run(["corpus", "check", "--study", str(tmp_path / "study.yml")], monkeypatch, capsys)
    assert code == 1 and "study.yml" in err and "country" in err


def test_console_script_exit_code(study: Path) -> None:
    """The installed command, end to end: a problem means exit status 1 and a one-line cause."""
    _break(study, "duplicate_id")
    exe = Path(sys.executable).with_name("unreported")
    if not exe.exists():
        pytest.skip("console script not installed")
    proc = subprocess.run([str(exe), "corpus", "check", "--study", str(study)], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1
    assert "duplicate id" in proc.stderr and "Traceback" not in proc.stderr


@pytest.mark.parametrize(
    "args, message",
    [
        (["pii", "evaluate"], "No such command 'evaluate'. Did you mean 'eval'?"),
        (["code", "apply"], "Missing argument 'IN.jsonl'."),
        (["--bogus"], "No such option: --bogus"),
    ],
)
def test_usage_errors_print_usage_not_a_traceback(args: list[str], message: str, monkeypatch, capsys) -> None:
    """A mistyped command is the commonest error of all: usage and the cause, exit status 2."""
    code, out, err = _run(args, monkeypatch, capsys)
    assert code == 2
    assert message in err and "Usage: unreported" in err and "Traceback" not in err + out


@pytest.mark.skipif(not (ROOT / "corpus/synthetic/manifest.csv").is_file(), reason="bundled corpus not built")
def test_bundled_corpus_meets_the_design(monkeypatch, capsys) -> None:
    before = _tree_hash(ROOT / "corpus/synthetic")
    code, out, err = _run(["corpus", "check", "--study", str(ROOT / "study.yml")], monkeypatch, capsys)
    assert code == 0, err
    table = corpus_mod.transcript_table(corpus_mod.iter_transcripts(ROOT / "corpus/synthetic"))
    assert len(table) >= 24 and table["words"].sum() >= 35_000
    assert {"en", "ru", "ky"} <= set(table["language"])
    assert f"{len(table)} transcripts" in out
    assert _tree_hash(ROOT / "corpus/synthetic") == before


def test_notebook_is_commit_clean_and_parameterised() -> None:
    import json

    nb = json.loads((ROOT / "notebooks/01_corpus.ipynb").read_text(encoding="utf-8"))
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert "parameters" in code[0]["metadata"].get("tags", []) and 'study = "study.yml"' in "".join(code[0]["source"])
    assert all(c["outputs"] == [] and c["execution_count"] is None for c in code)


@pytest.mark.e2e
def test_notebook_runs_on_a_small_corpus(study: Path, tmp_path: Path) -> None:
    """Executed from notebooks/ with an absolute study path: shows counts, never transcript text."""
    import papermill

    out = tmp_path / "01_out.ipynb"
    papermill.execute_notebook(
        str(ROOT / "notebooks/01_corpus.ipynb"), str(out), parameters={"study": str(study)},
        cwd=str(ROOT / "notebooks"), progress_bar=False, kernel_name="python3",
    )
    rendered = out.read_text(encoding="utf-8")
    assert "4 consented transcripts" in rendered and "police" in rendered
    for text in ("Боялась", "afraid", "Коркконбуз", "Chui"):
        assert text not in rendered


def test_brackets_in_file_names_survive_the_error_message(study: Path, monkeypatch, capsys) -> None:
    manifest = study.parent / "corpus" / "manifest.csv"
    manifest.write_text(manifest.read_text(encoding="utf-8").replace("CSO-01.txt", "[draft] CSO-01.txt"), encoding="utf-8")
    code, _, err = _run(["corpus", "check", "--study", str(study)], monkeypatch, capsys)
    assert code == 1 and "'[draft] CSO-01.txt' does not exist" in err
