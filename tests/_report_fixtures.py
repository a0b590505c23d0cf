"""A small fake study with the output files of every stage, for the report tests.

The texts are invented and already redacted; the numbers are chosen so that the expected
prevalence, co-occurrence and evidence levels can be worked out by hand in the tests.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import yaml

from unreported.cache import sha256_file, write_jsonl
from unreported.config import PROJECT_ROOT


# (doc, group, kind, lang, speaker, factors per unit)
UNITS = [
    ("VOT-01", "VoT", "IDI", "ru", "Респондент", [["F1", "F4"], ["F1"], ["F2"]]),
    ("VOT-02", "VoT", "IDI", "en", "Respondent", [["F1"], ["F5"], []]),
    ("CSO-01", "CSO", "IDI", "en", "Respondent", [["F1", "F4"], ["F6"], ["F2", "F3"]]),
    ("POL-01", "police", "IDI", "ky", "Респондент", [["F7"], ["F4"], []]),
    ("FGD-01", "CSO", "FGD", "en", "Participant 1", [["F1"], []]),
    ("FGD-01", "CSO", "FGD", "en", "Participant 2", [["F5", "F1"]]),
]


def make_fake_study(root: Path, *, with_topics: bool = True, with_coding: bool = True) -> Path:
    """Write a study under ``root``; return the path of its study.yml."""
    (root / "coding").mkdir(parents=True, exist_ok=True)
    (root / "corpus").mkdir(parents=True, exist_ok=True)
    shutil.copy(PROJECT_ROOT / "coding" / "codebook.yml", root / "coding" / "codebook.yml")
    recs = {
        "recommendations": [
            {"id": "R1", "text": "Encrypt VoTs' personal data.", "group": "Confidentiality", "addressee": "police",
             "factors": [{"factor": "F1", "rationale": "Data leaks deter reporting."}]},
            {"id": "R2", "text": "Train officers in a victim-centred approach.", "group": "Capacity",
             "addressee": ["police", "prosecutors"],
             "factors": [{"factor": "F4", "rationale": "Distrust."}, {"factor": "F7", "rationale": "Re-qualification."}]},
            {"id": "R3", "text": "Free legal aid for VoTs.", "group": "Law", "addressee": "parliament",
             "factors": [{"factor": "F2", "rationale": "Rights unknown."}, {"factor": "F3", "rationale": "Liability."},
                         {"factor": "F5", "rationale": "Protection."}, {"factor": "F6", "rationale": "Settling."}]},
        ]
    }
    (root / "coding" / "recommendations.yml").write_text(yaml.safe_dump(recs, allow_unicode=True), "utf-8")
    shutil.copytree(PROJECT_ROOT / "redaction", root / "redaction", dirs_exist_ok=True)
    (root / "corpus" / "manifest.csv").write_text("id,file\n", "utf-8")
    study = {
        "name": "fake", "country": "KG", "languages": ["en", "ru", "ky"], "corpus": "corpus",
        "synthetic": True, "output": "output", "seed": 7,
    }
    (root / "study.yml").write_text(yaml.safe_dump(study), "utf-8")

    red = root / "output" / "redacted"
    red.mkdir(parents=True, exist_ok=True)
    docs = []
    seen = []
    for doc, group, kind, lang, *_ in UNITS:
        if doc in seen:
            continue
        seen.append(doc)
        (red / f"{doc}.txt").write_text("Interviewer: [PERSON_1] question.\nRespondent: answer.\n", "utf-8")
        write_jsonl(red / f"{doc}.audit.jsonl", [{"label": "PERSON", "start": 13, "end": 23}])
        docs.append({"id": doc, "language": lang, "respondent_group": group, "kind": kind, "date": "",
                     "text_sha256": sha256_file(red / f"{doc}.txt"),
                     "audit_sha256": sha256_file(red / f"{doc}.audit.jsonl")})
    index = {"documents": docs, "quarantined": [{"id": "VOT-09", "reason": "a replaced PERSON still appears"}],
             "refused_no_consent": ["VOT-10"]}
    (red / "index.json").write_text(json.dumps(index), "utf-8")

    if with_coding:
        units, codes = [], []
        turn = 0
        for doc, group, kind, lang, speaker, per_unit in UNITS:
            for k, factors in enumerate(per_unit):
                turn += 1
                uid = f"{doc}#{turn:03d}"
                units.append({"id": uid, "doc": doc, "turn": turn, "part": 0, "lang": lang, "group": group,
                              "kind": kind, "speaker": speaker, "role": "respondent", "start": 0, "end": 10,
                              "text": f"Unit {uid} says something about {', '.join(factors) or 'nothing'} | with a pipe."})
                for j, f in enumerate(factors):
                    codes.append({"unit": uid, "code": f, "score": round(0.9 - 0.1 * k - 0.01 * j, 3),
                                  "evidence": "keyword", "method": "rules"})
        cdir = root / "output" / "coding"
        write_jsonl(cdir / "units.jsonl", units)
        write_jsonl(cdir / "codes.jsonl", codes)
        (cdir / "reliability.csv").write_text("factor,kappa,alpha\nF1,0.81,0.80\n", "utf-8")

    if with_topics:
        tdir = root / "output" / "topics"
        tdir.mkdir(parents=True, exist_ok=True)
        (tdir / "emergent.csv").write_text(
            "topic,label,lang,size,best_share,uncoded,keywords,quotes\n"
            '3,3_en_debt_ticket,en,5,0.2,0.8,debt; ticket,"[VOT-02#005] He said I owed him for the ticket. || [CSO-01#008] x"\n',
            "utf-8",
        )
        (tdir / "alignment.csv").write_text("topic,factor,similarity\n3,F6,0.12\n", "utf-8")
        (tdir / "run_manifest.json").write_text(json.dumps({"seed": 7, "umap": {"n_neighbors": 5}}), "utf-8")
    return root / "study.yml"
