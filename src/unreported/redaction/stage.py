"""The redaction stage: every consented transcript → ``output/redacted/`` (see ``store.py``).

Streams over the manifest one transcript at a time (memory stays flat). Per transcript:
detect in turn bodies, propagate mentions, replace with pseudonyms/tags, verify that no
replaced original survives, write text + audit atomically. A transcript that fails in any
way is quarantined: listed in ``index.json`` with a reason (never text), its outputs
removed, and the stage raises after writing the index, so the command exits non-zero.
Each transcript is cached by (text hash, policy hash, country-format hash, key id, code
version): a rerun redoes only what changed. With ``workers > 1`` detection (the costly part)
runs in that many processes, a few transcripts ahead; pseudonyms are still numbered in the
main process in manifest order, so the output is the same bytes whatever the worker count.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections import deque
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from unreported.cache import atomic_write_text, dumps, sha256_bytes, sha256_file, write_json
from unreported.config import Study
from unreported.errors import RedactionError, UnreportedError
from unreported.redaction import store
from unreported.redaction.audit import apply
from unreported.redaction.countries import formats_fingerprint, load_country_formats
from unreported.redaction.engine import Detector, Span
from unreported.redaction.keystore import KeyStore, open_for_study
from unreported.redaction.policy import Policy, load_policy
from unreported.redaction.pseudonyms import Pseudonymizer

log = logging.getLogger(__name__)
def _code_version() -> str:
    """A hash of this package's source: any change to detection or replacement code redoes every transcript."""
    h = hashlib.sha256()
    for f in sorted(Path(__file__).parent.rglob("*.py")):
        h.update(f.relative_to(Path(__file__).parent).as_posix().encode("utf-8") + b"\0" + f.read_bytes())
    return "redaction-" + h.hexdigest()[:16]


CODE_VERSION = _code_version()
CACHE_DIR = ".cache"


class Redactor:
    """Detector + pseudonymizer for one study; build once, reuse for every transcript."""

    def __init__(self, policy: Policy, formats, policy_dir: Path, keystore: KeyStore) -> None:
        self.policy = policy
        self.formats = formats
        self.policy_dir = policy_dir
        self.detector = Detector(policy, formats, policy_dir)
        self.keystore = keystore
        self.pseudonymizer = Pseudonymizer(policy, keystore, self.detector.gazetteer)

    @classmethod
    def for_study(cls, study: Study, keystore: KeyStore | None = None) -> Redactor:
        policy = load_policy(study.policy_path)
        formats = load_country_formats(study.country_format_paths)
        return cls(policy, formats, study.policy_path.parent, keystore or open_for_study(study))

    @property
    def settings_hash(self) -> str:
        return sha256_bytes(dumps([self.policy.fingerprint(), formats_fingerprint(self.formats), CODE_VERSION,
                                   self.keystore.key_id]).encode("utf-8"))

    def detect_regions(self, text: str, regions: list[tuple[int, int]], language: str) -> list[Span]:
        return self.detector.detect_regions(text, regions, language)

    def redact_text(self, text: str, regions: list[tuple[int, int]], language: str,
                    known=None, spans: list[Span] | None = None) -> tuple[str, list[dict]]:
        """Redact turn bodies; ``known`` (a LeakChecker over the key) adds every name or place
        already found in another transcript of the study; ``spans`` are detections made
        elsewhere (a worker process)."""
        from unreported.redaction.engine import merge_spans

        if spans is None:
            spans = self.detect_regions(text, regions, language)
        if known is not None:
            extra = [Span(a, b, label, 0.9, "study_key") for a, b, label in known.find(text)
                     if any(ra <= a and b <= rb for ra, rb in regions)]
            spans = merge_spans(spans + extra)
        redacted, audit = apply(text, spans, self.pseudonymizer.replacements(text, spans))
        _verify(text, spans, redacted)
        return redacted, audit


def _verify(original: str, spans: list[Span], redacted: str) -> None:
    """Fail closed if a replaced name or place still appears in the redacted text."""
    for s in spans:
        if s.label not in ("PERSON", "LOCATION", "ORGANIZATION"):
            continue
        surface = original[s.start : s.end]
        if len(surface) >= 3 and re.search(r"(?<!\w)" + re.escape(surface) + r"(?!\w)", redacted):
            raise RedactionError(f"a replaced {s.label} still appears in the redacted text")


def _safe_reason(exc: BaseException) -> str:
    """A quarantine reason without text: our errors are text-free by rule; others give only their type."""
    if isinstance(exc, UnreportedError):
        return exc.message
    return f"redaction failed ({type(exc).__name__})"


_WORKER_DETECTOR: Detector | None = None


def _init_worker(policy: Policy, formats, policy_dir: Path) -> None:
    """Load the models once per worker process."""
    global _WORKER_DETECTOR
    _WORKER_DETECTOR = Detector(policy, formats, policy_dir)


def _detect_in_worker(text: str, regions: list[tuple[int, int]], language: str) -> list[Span] | str:
    """Spans, or a text-free reason: an exception could carry the transcript into the parent's log."""
    try:
        assert _WORKER_DETECTOR is not None
        return _WORKER_DETECTOR.detect_regions(text, regions, language)
    except Exception as exc:  # noqa: BLE001 - reported as a quarantine reason
        return _safe_reason(exc)


def _detections(redactor: Redactor, jobs: Iterable[tuple[Any, Any, str]], workers: int) -> Iterator[tuple[Any, Any, str, list[Span] | str]]:
    """(entry, transcript, cache key, spans or failure reason) in the order of ``jobs``.

    With several workers at most ``2 × workers`` transcripts are in flight, so memory stays
    flat however long the corpus is."""
    def regions(tr) -> list[tuple[int, int]]:
        return [(t.start, t.end) for t in tr.turns if t.end > t.start]

    if workers <= 1:
        for entry, tr, key in jobs:
            try:
                found: list[Span] | str = redactor.detect_regions(tr.text, regions(tr), entry.language)
            except Exception as exc:  # noqa: BLE001
                found = _safe_reason(exc)
            yield entry, tr, key, found
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    # spawn, not fork: the parent already holds spaCy/torch threads that fork would copy half-way
    with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"),
                             initializer=_init_worker,
                             initargs=(redactor.policy, redactor.formats, redactor.policy_dir)) as pool:
        window: deque = deque()
        for entry, tr, key in jobs:
            window.append((entry, tr, key, pool.submit(_detect_in_worker, tr.text, regions(tr), entry.language)))
            if len(window) >= 2 * workers:
                e, t, k, fut = window.popleft()
                yield e, t, k, fut.result()
        while window:
            e, t, k, fut = window.popleft()
            yield e, t, k, fut.result()


def redact_study(study: Study, *, progress: bool = True, strict: bool = True, redactor: Redactor | None = None,
                 workers: int = 1) -> dict[str, Any]:
    """Redact every consented transcript of ``study``; returns a summary of counts.

    ``workers`` processes detect in parallel (each loads its own models: ~0.6 GB apiece).
    Raises :class:`RedactionError` after writing the index when any transcript was
    quarantined (``strict=False`` returns the summary instead).
    """
    from unreported.corpus import load_transcript
    from unreported.manifest import load_manifest

    manifest = load_manifest(study.manifest_path)
    out_dir = study.redacted_dir
    out_dir.mkdir(parents=True, exist_ok=True)
    redactor = redactor or Redactor.for_study(study)
    settings = redactor.settings_hash
    done: dict[str, dict] = {}
    quarantined: list[dict] = []
    refused: list[str] = []
    reused = 0
    entries = list(manifest.entries)
    key_digest = _key_digest(redactor.keystore)

    def paths(entry_id: str) -> tuple[Path, Path, Path]:
        return store.text_path(out_dir, entry_id), store.audit_path(out_dir, entry_id), out_dir / CACHE_DIR / f"{entry_id}.json"

    def quarantine(entry_id: str, reason: str) -> None:
        for p in paths(entry_id):
            p.unlink(missing_ok=True)
        quarantined.append({"id": entry_id, "reason": reason})
        log.warning("%s: quarantined (%s)", entry_id, reason)

    bar = None
    if progress:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

        bar = Progress(TextColumn("redacting"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(), transient=False)
        bar.start()
        task = bar.add_task("redact", total=len(entries))

    def advance() -> None:
        if bar is not None:
            bar.advance(task)

    def jobs() -> Iterator[tuple[Any, Any, str]]:
        """Transcripts that need detection; refused, cached and unreadable ones are settled here."""
        nonlocal reused
        for entry in entries:
            tpath, apath, cpath = paths(entry.id)
            if not entry.consent:
                # refused by every stage, not a failure: listed, never read
                refused.append(entry.id)
                for p in (tpath, apath, cpath):
                    p.unlink(missing_ok=True)
                advance()
                continue
            try:
                tr = load_transcript(entry, manifest.path.parent)
                key = _cache_key(sha256_bytes(tr.text.encode("utf-8")), settings, key_digest)
                cached = _read_cache(cpath)
                if cached and cached.get("key") == key and tpath.is_file() and apath.is_file() \
                        and sha256_file(tpath) == cached["doc"]["text_sha256"] and sha256_file(apath) == cached["doc"]["audit_sha256"]:
                    done[entry.id] = cached["doc"]
                    reused += 1
                    advance()
                    continue
            except Exception as exc:  # noqa: BLE001 - every failure quarantines, none passes on
                quarantine(entry.id, _safe_reason(exc))
                advance()
                continue
            yield entry, tr, key

    try:
        for entry, tr, key, found in _detections(redactor, jobs(), workers):
            tpath, apath, cpath = paths(entry.id)
            try:
                if isinstance(found, str):
                    raise RedactionError(found)
                regions = [(t.start, t.end) for t in tr.turns if t.end > t.start]
                redacted, audit = redactor.redact_text(tr.text, regions, entry.language, spans=found)
                _check_structure(tr.text, redacted, tpath)
                atomic_write_text(apath, "".join(dumps(r) + "\n" for r in audit))
                atomic_write_text(tpath, redacted)
                redactor.keystore.save()
                labels: dict[str, int] = {}
                for r in audit:
                    labels[r["label"]] = labels.get(r["label"], 0) + 1
                doc = {"id": entry.id, "language": entry.language, "respondent_group": entry.respondent_group,
                       "kind": entry.kind, "date": entry.date.isoformat() if entry.date else "",
                       "text_sha256": sha256_file(tpath), "audit_sha256": sha256_file(apath),
                       "n_spans": len(audit), "labels": dict(sorted(labels.items()))}
                write_json(cpath, {"key": key, "doc": doc})
                done[entry.id] = doc
            except Exception as exc:  # noqa: BLE001 - every failure quarantines, none passes on
                quarantine(entry.id, _safe_reason(exc))
            finally:
                advance()
    finally:
        if bar is not None:
            bar.stop()
    documents = [done[e.id] for e in entries if e.id in done]
    redactor.keystore.save()
    documents = _second_pass(study, manifest, redactor, documents, settings, quarantined)
    keep = {d["id"] for d in documents}
    for f in out_dir.glob("*.txt"):
        if f.stem not in keep:
            f.unlink()
            store.audit_path(out_dir, f.stem).unlink(missing_ok=True)
    index = {"documents": documents, "quarantined": quarantined, "refused_no_consent": refused, "code_version": CODE_VERSION,
             "policy_sha256": redactor.policy.fingerprint(), "formats_sha256": formats_fingerprint(redactor.formats)}
    write_json(out_dir / store.INDEX_FILE, index)
    labels_total: dict[str, int] = {}
    for d in documents:
        for k, v in d["labels"].items():
            labels_total[k] = labels_total.get(k, 0) + v
    summary = {"documents": len(documents), "reused": reused, "quarantined": quarantined, "refused_no_consent": refused,
               "labels": dict(sorted(labels_total.items())), "output": str(out_dir)}
    if quarantined and strict:
        raise RedactionError(f"{len(quarantined)} transcript(s) quarantined: " +
                             ", ".join(f"{q['id']} ({q['reason']})" for q in quarantined), path=out_dir / store.INDEX_FILE)
    return summary


def _second_pass(study: Study, manifest, redactor: Redactor, documents: list[dict], settings: str,
                 quarantined: list[dict]) -> list[dict]:
    """Study-wide propagation: a name found in one transcript is redacted in all of them.

    Transcripts whose output still contains an original from the key are redone with the key's
    originals as extra spans, until none is left (at most three rounds); every cache entry is
    then stamped with the final key, so a rerun on the same input reuses everything."""
    from unreported.corpus import load_transcript
    from unreported.redaction.leakcheck import checker_for_study

    by_id = manifest.by_id()
    out_dir = study.redacted_dir
    for _ in range(3):
        known = checker_for_study(study, redactor.keystore)
        redo = [d for d in documents if known.find(store.text_path(out_dir, d["id"]).read_text(encoding="utf-8"))]
        if not redo:
            break
        for doc in redo:
            entry = by_id[doc["id"]]
            tpath, apath = store.text_path(out_dir, doc["id"]), store.audit_path(out_dir, doc["id"])
            try:
                tr = load_transcript(entry, manifest.path.parent)
                regions = [(t.start, t.end) for t in tr.turns if t.end > t.start]
                redacted, audit = redactor.redact_text(tr.text, regions, entry.language, known=known)
                _check_structure(tr.text, redacted, tpath)
                atomic_write_text(apath, "".join(dumps(r) + "\n" for r in audit))
                atomic_write_text(tpath, redacted)
                labels: dict[str, int] = {}
                for r in audit:
                    labels[r["label"]] = labels.get(r["label"], 0) + 1
                doc.update(text_sha256=sha256_file(tpath), audit_sha256=sha256_file(apath), n_spans=len(audit),
                           labels=dict(sorted(labels.items())))
            except Exception as exc:  # noqa: BLE001
                for p in (tpath, apath):
                    p.unlink(missing_ok=True)
                quarantined.append({"id": doc["id"], "reason": _safe_reason(exc)})
        documents = [d for d in documents if d["id"] not in {q["id"] for q in quarantined}]
        redactor.keystore.save()
    final = _key_digest(redactor.keystore)
    for d in documents:
        tr_hash = sha256_bytes(load_transcript(by_id[d["id"]], manifest.path.parent).text.encode("utf-8"))
        write_json(out_dir / CACHE_DIR / f"{d['id']}.json", {"key": _cache_key(tr_hash, settings, final), "doc": d})
    return documents


def _key_digest(keystore: KeyStore) -> str:
    return sha256_bytes(dumps(sorted(keystore.originals())).encode("utf-8"))


def _cache_key(text_hash: str, settings: str, key_digest: str) -> str:
    return sha256_bytes((text_hash + settings + key_digest).encode("ascii"))


def _read_cache(path: Path) -> dict | None:
    import json

    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return None


def _check_structure(original: str, redacted: str, path: Path) -> None:
    """Speaker labels and line structure must survive redaction (later stages join on turn index)."""
    from unreported.corpus import parse_turns

    if original.count("\n") != redacted.count("\n"):
        raise RedactionError("redaction changed the number of lines", path=path)
    a, b = parse_turns(original), parse_turns(redacted)
    if [t.speaker for t in a] != [t.speaker for t in b] or [t.line for t in a] != [t.line for t in b]:
        raise RedactionError("redaction changed speaker labels or turn order", path=path)
