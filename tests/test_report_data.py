"""Report data preparation on a small fake study whose numbers can be checked by hand."""

from __future__ import annotations

import pytest
import yaml
from _report_fixtures import make_fake_study

from unreported.errors import ConfigError
from unreported.report import data as d
from unreported.report import sections


@pytest.fixture()
def rd(tmp_path):
    return d.load(make_fake_study(tmp_path))


def test_prevalence_counts_units_respondents_and_groups(rd):
    prev = d.prevalence(rd).set_index("factor")
    assert prev.loc["F1", "units"] == 6
    assert prev.loc["F1", "respondents"] == 5
    assert prev.loc["F1", "groups"] == 2
    assert prev.loc["F4", "groups"] == 3
    assert prev.loc["F1", "% of units"] == round(100 * 6 / 15, 1)


def test_prevalence_by_group_counts_distinct_respondents(rd):
    t = d.prevalence_by_group(rd, "F1").set_index("group")
    assert t.loc["CSO", "respondents"] == 3  # one IDI and two focus-group participants
    assert t.loc["CSO", "voicing"] == 3
    assert t.loc["police", "voicing"] == 0
    assert t.loc["VoT", "% voicing"] == 100.0


def test_cooccurrence_is_symmetric_with_factor_totals_on_diagonal(rd):
    co = d.cooccurrence(rd)
    assert co.loc["F1", "F4"] == co.loc["F4", "F1"] == 2
    assert co.loc["F1", "F1"] == 6
    assert co.loc["F6", "F7"] == 0


def test_quotes_one_per_transcript_and_varied_groups(rd):
    q = d.quotes(rd, "F1")
    assert len(q) == rd.settings.quotes_per_factor == 3
    assert q["doc"].is_unique
    assert set(q["group"]) == {"VoT", "CSO"}


def test_evidence_level_from_thresholds(rd):
    assert d.evidence(rd, "F1").level == "moderate"
    assert d.evidence(rd, ["F4", "F7"]).units == 4
    assert d.evidence(rd, "F6").level == "limited"


def test_traceability_lists_every_recommendation_and_marks_links(rd):
    t = d.traceability(rd).set_index("recommendation")
    assert list(t.index) == ["R1", "R2", "R3"]
    assert t.loc["R1", "F1"] == "● 6"
    assert t.loc["R1", "F4"] == ""
    assert t.loc["R2", "F7"] == "● 1"


def test_corpus_table_totals(rd):
    t = d.corpus_table(rd).set_index("group")
    assert t.loc["total", "transcripts"] == 5
    assert t.loc["CSO", "FGD"] == 1
    assert t.loc["total", "respondent units"] == 15


def test_policy_summary_counts_free_string_lists_instead_of_showing_them(tmp_path):
    path = tmp_path / "policy.yml"
    path.write_text(yaml.safe_dump({"labels": ["PERSON"], "deny_list": ["Some Name"], "threshold": 0.5}), "utf-8")
    s = d.policy_summary(path).set_index("setting")["value"]
    assert s["labels"] == "PERSON"
    assert s["deny_list"] == "1 entries"
    assert "Some Name" not in s.to_string()


def test_missing_stage_is_reported_not_invented(tmp_path):
    rd = d.load(make_fake_study(tmp_path, with_coding=False, with_topics=False))
    assert "unreported code" in rd.note("coding")
    md = sections.factor(rd, "F1")
    assert "Not available" in md and "unreported code" in md
    assert "unreported topics" in sections.emergent(rd)


def test_desk_data_stage_must_name_existing_parent(tmp_path):
    bad = tmp_path / "desk.yml"
    bad.write_text(yaml.safe_dump({"title": "t", "source": "s", "quote": "q",
                                   "stages": [{"label": "a", "value": 3}, {"label": "b", "value": 1, "of": "x"}]}))
    with pytest.raises(ConfigError, match="desk.yml"):
        d.load_yaml_model(bad, d.DeskData)


def test_bundled_desk_data_matches_its_quote(project_root):
    desk = d.load_yaml_model(project_root / "reports" / "desk_data.yml", d.DeskData)
    for stage in desk.stages:
        assert str(stage.value) in desk.quote


def test_factor_section_has_chart_quotes_and_recommendations(rd):
    md = sections.factor(rd, "F1")
    assert md.startswith("### F1 Confidentiality")
    assert "data:image/png;base64," in md
    assert md.count("— transcript **") == 3
    assert "**R1**" in md and "moderate" in md


def test_markdown_table_escapes_pipes(rd):
    md = sections.table(d.quotes(rd, "F1"))
    assert "\\|" in md
    assert all(line.count(" | ") >= 6 for line in md.splitlines() if line.startswith("| "))


def test_emergent_themes_show_label_size_keywords_and_one_example(rd):
    md = sections.emergent(rd)
    assert "**3_en_debt_ticket** (5 units, en, 80% uncoded)" in md
    assert "_Keywords:_ debt; ticket" in md
    assert "\\[VOT-02\\#005\\]" in md
    assert "owed him for the ticket" in md and "CSO-01" not in md


def test_transcript_text_is_shown_literally():
    assert sections.literal("<script>x</script> *a* [PERSON_1]\n# b") == \
        "\\<script\\>x\\</script\\> \\*a\\* \\[PERSON\\_1\\] \\# b"


def test_quarantined_and_refused_transcripts_are_reported(rd):
    ex = d.excluded_documents(rd.study).set_index("transcript")["excluded because"]
    assert ex["VOT-09"] == "a replaced PERSON still appears"
    assert "consent" in ex["VOT-10"]
    assert "(VOT-09, VOT-10)" in sections.corpus(rd)


def test_methods_warn_when_no_human_coding_of_the_corpus_stands_behind_the_codes():
    """Reviewers must see that the findings rest on unmeasured suggestions; no warning with gold."""
    assert sections.coding_basis({"label_source": "gold"}) == ""
    assert sections.coding_basis(None) == ""
    examples = sections.coding_basis({"label_source": "coded examples", "n_training_examples": 1890,
                                      "examples_cv": {"all": {"macro_kappa": 0.6595}}})
    assert "No human coding of this corpus" in examples and "1890 coded examples" in examples and "0.66" in examples
    rules = sections.coding_basis({"label_source": "none", "mode": "rules"})
    assert "lexicon and embedding rules" in rules and "not measured" in rules


def test_methods_warning_only_where_no_agreement_was_measured(rd):
    cdir = rd.study.coding_dir
    (cdir / "calibration.json").write_text('{"label_source": "coded examples", "n_training_examples": 12}', "utf-8")
    assert "No human coding of this corpus" not in sections.reliability(rd)  # reliability.csv has rows
    (cdir / "reliability.csv").write_text("comparison,code,kappa\n", "utf-8")
    out = sections.reliability(rd)
    assert "No human coding of this corpus" in out and "12 coded examples" in out and "_(no rows)_" in out
