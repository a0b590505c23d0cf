"""With the real offline models (spaCy, pymorphy3, all-MiniLM-L6-v2): English, Russian and
Kyrgyz units all get codes, with evidence taken from the unit. Texts are new, not the anchors."""

from __future__ import annotations

import pytest

from unreported.coding.autocode import AutoCoder
from unreported.coding.codebook import load_codebook

pytestmark = pytest.mark.slow

CASES = [
    ("en", "After what the officers did to my friend, I will never trust the police again; they take bribes.", "F4"),
    ("en", "My uncle said the recruiter's brothers would burn our house if I gave evidence.", "F5"),
    ("ru", "Я не знала своих прав и не понимала, куда можно обратиться за помощью.", "F2"),
    ("ru", "Его родственники вернули нам деньги, и мы забрали заявление.", "F6"),
    ("ky", "Мен милицияга ишенбейм, алар пара алышат.", "F4"),
    ("ky", "Алар апамды өлтүрөбүз деп коркутушту, ошондуктан арыз бербедим.", "F5"),
]


@pytest.fixture(scope="module")
def coder(project_root) -> AutoCoder:
    return AutoCoder(load_codebook(project_root / "coding" / "codebook.yml"))


def test_every_language_gets_codes_with_evidence(coder: AutoCoder) -> None:
    scored = coder.featurize([str(i) for i in range(len(CASES))], [t for _, t, _ in CASES], [lang for lang, _, _ in CASES])
    assigned = coder.assign(scored)
    for (lang, text, factor), codes in zip(CASES, assigned):
        got = {c["code"]: c for c in codes}
        assert factor in got, (lang, factor, sorted(got))
        assert got[factor]["evidence"] in " ".join(text.split())
        assert 0.0 <= got[factor]["score"] <= 1.0
