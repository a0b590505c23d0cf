"""The leak check: scan outputs for original strings from the key and for names in name-like positions.

Two tests per line: (1) every original form recorded in the encrypted key (length ≥ 3),
matched case-insensitively as a whole word, also in its inflected forms via the name key;
(2) a capitalised gazetteer first name followed by a surname-shaped word or preceded by a
name cue. Hits name the file, the line and the label, never the string. HTML is checked on
its visible text as well as its source.

The reports also quote the study's own published material: the codebook, the recommendations
and the desk data (:func:`public_texts`). A one-word original of the key that occurs as a word in
that material ("Ministry", a Kyrgyz word for "safety") was a false positive of detection, not a
respondent's identity, and is not flagged; multi-word originals and every PERSON original of two
or more words are always checked. The residual risk: a respondent whose one-word name is also a
word of the codebook or recommendations is not caught by test (1) in reports (test (2) still applies).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path

from unreported.config import Study
from unreported.corpus import speaker_role
from unreported.redaction.engine import _russian_common_word
from unreported.redaction.normalize import name_key, strip_inflection

_WORD = re.compile(r"[^\W\d_][\w'’]*")
_TAG = re.compile(r"<[^>]+>")
_SURNAME = re.compile(r"(?:ов|ев|ова|ева|ович|овна|уулу|кызы|ov|ev|ova|eva|ovich|ovna|uulu|kyzy)\w{0,4}$", re.I)


@dataclass(frozen=True)
class Hit:
    file: str
    line: int
    label: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.label}"


def _name_keys(word: str) -> set[str]:
    return {name_key(c) for c in strip_inflection(word)}


def public_texts(study: Study) -> list[Path]:
    """The study's published material that reports quote: codebook, recommendations, desk data."""
    candidates = [
        study.codebook_path,
        study.recommendations_path,
        study.base_dir / "reports" / "desk_data.yml",
    ]
    return [p for p in candidates if p.is_file()]


def public_text(paths: list[Path]) -> str:
    """The public material, lower-cased, one file after another (see the module docstring)."""
    return "\n".join(Path(p).read_text(encoding="utf-8").lower() for p in paths)


class LeakChecker:
    def __init__(
        self,
        originals: list[tuple[str, str]],
        gazetteer=None,
        cues: list[str] = (),
        allow: list[str] = (),
        public: str = "",
    ) -> None:
        self.phrases: list[tuple[re.Pattern[str], str]] = []
        self.word_keys: dict[str, str] = {}
        from unreported.redaction.recognizers.gazetteer_names import stop_words

        stop = stop_words() | {a.lower() for a in allow}
        public_words = set(_WORD.findall(public))

        def is_public(label: str, form: str) -> bool:
            if not public or (label == "PERSON" and " " in form):
                return False
            return re.search(r"(?<!\w)" + re.escape(form.lower()) + r"(?!\w)", public) is not None

        for label, form in originals:
            form = form.strip()
            if len(form) < 3 or form.lower() in stop or any(c.lower() in stop for c in strip_inflection(form)) or (
                    " " not in form and _russian_common_word(form)) or is_public(label, form):
                continue
            if " " in form or not form[:1].isalpha():
                pattern = re.compile(r"(?<!\w)" + re.escape(form) + r"(?!\w)", re.IGNORECASE)
            else:  # a one-word name: as written (capitalised), any case after the first letter
                pattern = re.compile(r"(?<!\w)" + re.escape(form[:1]) + r"(?i:" + re.escape(form[1:]) + r")(?!\w)")
            self.phrases.append((pattern, label))
            if label == "PERSON":
                for w in _WORD.findall(form):
                    if len(w) >= 4 and w[:1].isupper() and w.lower() not in stop and w.lower() not in public_words:
                        self.word_keys.setdefault(name_key(w), label)
        self.gazetteer = gazetteer
        self.cues = {c.lower() for c in cues}

    def find(self, text: str) -> list[tuple[int, int, str]]:
        """(start, end, label) of every occurrence of a key original (or an inflected form of one of
        its name words) in ``text``: what the stage redacts in a second pass, and what the check flags."""
        out = []
        for pattern, label in self.phrases:
            out.extend((m.start(), m.end(), label) for m in pattern.finditer(text))
        if self.word_keys:
            for m in _WORD.finditer(text):
                w = m.group(0)
                if w[0].isupper() and speaker_role(w) is None:
                    label = next((self.word_keys[k] for k in sorted(_name_keys(w)) if k in self.word_keys), None)
                    if label:
                        end = m.end() - 2 if w.endswith(("'s", "’s")) else m.end()
                        out.append((m.start(), end, label))
        return sorted(out)

    def check_text(self, text: str, file: str) -> list[Hit]:
        hits = []
        for lineno, line in enumerate(text.split("\n"), 1):
            if "<" in line:
                line = html.unescape(_TAG.sub(" ", line))
            labels = {label for pattern, label in self.phrases if pattern.search(line)}
            words = _WORD.findall(line)
            for i, w in enumerate(words):
                if not w[0].isupper() or speaker_role(w) is not None:
                    continue
                for k in _name_keys(w):
                    if k in self.word_keys:
                        labels.add(self.word_keys[k])
                if self.gazetteer is not None and len(w) >= 3 and self.gazetteer.is_first(w) and not self.gazetteer.is_ambiguous(w):
                    nxt = words[i + 1] if i + 1 < len(words) else ""
                    prev = words[i - 1].lower() if i else ""
                    if (nxt[:1].isupper() and _SURNAME.search(nxt)) or prev in self.cues:
                        labels.add("PERSON")
            hits.extend(Hit(file, lineno, label) for label in sorted(labels))
        return hits


def checker_for_study(study: Study, keystore=None, *, public: bool = False) -> LeakChecker:
    """The checker for ``study``; ``public=True`` for rendered reports, which quote public material."""
    from unreported.redaction.gazetteer import load_gazetteer
    from unreported.redaction.keystore import open_for_study
    from unreported.redaction.policy import load_policy

    policy = load_policy(study.policy_path)
    if keystore is None:
        keystore = open_for_study(study, create=False) if study.key_path.exists() else None
    ambiguous = [w for ws in policy.ambiguous_names.values() for w in ws]
    gaz = load_gazetteer([study.policy_path.parent / p for p in policy.gazetteer], ambiguous)
    cues = [c for cs in policy.name_context.values() for c in cs]
    shared = public_text(public_texts(study)) if public else ""
    return LeakChecker(keystore.originals() if keystore else [], gaz, cues, policy.allow_list, shared)


def check_paths(study: Study, paths: list[Path] | None = None, *, public: bool = False) -> list[Hit]:
    """Scan files (default: every redacted transcript) for leaks. Returns hits (file, line, label).

    ``public=True`` is for rendered reports: one-word originals that are words of the study's
    public material are not flagged (module docstring).
    """
    if paths is None:
        paths = sorted(study.redacted_dir.glob("*.txt"))
    checker = checker_for_study(study, public=public)
    hits: list[Hit] = []
    for p in paths:
        p = Path(p)
        files = sorted(f for f in p.rglob("*") if f.is_file()) if p.is_dir() else [p]
        for f in files:
            if f.suffix.lower() not in (".txt", ".html", ".htm", ".md", ".qmd", ".json", ".jsonl", ".csv", ".tsv"):
                continue
            text = f.read_text(encoding="utf-8", errors="replace")
            hits.extend(checker.check_text(text, str(f)))
    return hits
