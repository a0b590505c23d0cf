"""REFI-QDA exchange: our sources, codebook and codings to ``.qdpx`` / ``.qdc`` and back.

NVivo, ATLAS.ti, MAXQDA and QualCoder exchange projects as REFI-QDA (QDA-XML 1.0): a zip
with ``project.qde`` (XML) and the plain-text sources under ``sources/``. Export writes the
(redacted) sources as UTF-8 with our canonical text, one ``User`` per coder and one
``PlainTextSelection`` with a ``Coding`` per coding, positions in code points. The export
is deterministic: GUIDs are uuid5 of stable names, the XML has no timestamps and the zip
entries have a fixed date, so the same input gives the same bytes.

Import reads codings back as another coder, from whichever tool wrote the file: the folder
may be ``sources/`` or ``Sources/``, paths may start ``internal://``, and positions may
count UTF-16 code units over CRLF text (NVivo). The units are detected from the project's
own text (astral characters such as emoji, positions inside a surrogate pair, the tool
named in ``origin``) and every position is converted to code points in our text (``\\n``
line ends). A project whose text differs from ours is refused: its positions would point
at the wrong words.
"""

from __future__ import annotations

import io
import re
import uuid
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from lxml import etree

from unreported.cache import atomic_write_bytes
from unreported.errors import UnreportedError

PROJECT_NS = "urn:QDA-XML:project:1.0"
CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
#: Namespace of every GUID we write; fixed so that GUIDs are stable across runs and machines.
GUID_NAMESPACE = uuid.UUID("6f1c3f5e-8d0a-5b7e-9a43-2c1d7e0b9f10")
_ZIP_DATE = (2021, 1, 1, 0, 0, 0)
_MAX_UNZIPPED_BYTES = 512 * 2**20
# A codebook id at the start of a code name: "F4", "F4.1", "F4b" ("F4 Distrust" -> "F4").
_CODE_ID_RE = re.compile(r"^(?P<id>[A-Z]{1,3}\d+(?:\.\d+)*[a-z]?)(?=$|[\s:.\-–—_)])")


class QdaError(UnreportedError):
    """A REFI-QDA file cannot be read or does not fit our sources."""


@dataclass(frozen=True)
class QdaCode:
    id: str
    name: str
    description: str = ""
    color: str = "#888888"
    children: tuple[QdaCode, ...] = ()


@dataclass(frozen=True)
class QdaSource:
    id: str
    name: str
    text: str


@dataclass(frozen=True, order=True)
class QdaCoding:
    source_id: str
    start: int
    end: int
    code_id: str
    coder: str


def _guid(project: str, kind: str, *parts: str) -> str:
    return str(uuid.uuid5(GUID_NAMESPACE, "\x1f".join((project, kind, *parts))))


def _walk(codes: Iterable[QdaCode]) -> Iterable[QdaCode]:
    for code in codes:
        yield code
        yield from _walk(code.children)


def _display_name(code: QdaCode) -> str:
    """The name shown in the QDA tool; it starts with our id so that import can map it back."""
    return code.name if _CODE_ID_RE.match(code.name) and code.name.startswith(code.id) else f"{code.id} {code.name}".strip()


def _code_elements(parent: etree._Element, ns: str, codes: Sequence[QdaCode], project: str) -> None:
    for code in codes:
        el = etree.SubElement(
            parent,
            f"{{{ns}}}Code",
            guid=_guid(project, "code", code.id),
            name=_display_name(code),
            isCodable="true",
            color=code.color,
        )
        if code.description:
            etree.SubElement(el, f"{{{ns}}}Description").text = code.description
        _code_elements(el, ns, code.children, project)


def _xml_bytes(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="utf-8", pretty_print=True)


def _check_codebook(codes: Sequence[QdaCode]) -> dict[str, QdaCode]:
    by_id: dict[str, QdaCode] = {}
    for code in _walk(codes):
        if code.id in by_id:
            raise ValueError(f"code id {code.id!r} appears twice in the codebook")
        if not re.fullmatch(r"#([0-9A-Fa-f]{6}|[0-9A-Fa-f]{3})", code.color):
            raise ValueError(f"code {code.id}: colour {code.color!r} is not #RRGGBB")
        by_id[code.id] = code
    return by_id


def export_qdc(path: Path, codes: Sequence[QdaCode]) -> None:
    """Write the codebook as a REFI-QDA codebook (``.qdc``)."""
    _check_codebook(codes)
    root = etree.Element(f"{{{CODEBOOK_NS}}}CodeBook", nsmap={None: CODEBOOK_NS}, origin="unreported")
    _code_elements(etree.SubElement(root, f"{{{CODEBOOK_NS}}}Codes"), CODEBOOK_NS, codes, "codebook")
    atomic_write_bytes(Path(path), _xml_bytes(root))


def export_qdpx(
    path: Path,
    sources: Sequence[QdaSource],
    codes: Sequence[QdaCode],
    codings: Iterable[QdaCoding],
    *,
    project_name: str,
) -> None:
    """Write a REFI-QDA project (``.qdpx``): sources, codebook, one User per coder, codings."""
    by_code = _check_codebook(codes)
    by_source = {s.id: s for s in sources}
    if len(by_source) != len(sources):
        raise ValueError("two sources share an id")
    codings = sorted(set(codings))
    for c in codings:
        if c.source_id not in by_source:
            raise ValueError(f"coding refers to unknown source {c.source_id!r}")
        if c.code_id not in by_code:
            raise ValueError(f"coding in {c.source_id} refers to unknown code {c.code_id!r}")
        if not 0 <= c.start < c.end <= len(by_source[c.source_id].text):
            raise ValueError(f"coding {c.code_id} in {c.source_id}: span {c.start}-{c.end} is outside the text")
    p = project_name
    root = etree.Element(f"{{{PROJECT_NS}}}Project", nsmap={None: PROJECT_NS}, name=project_name, origin="unreported")
    coders = sorted({c.coder for c in codings})
    if coders:
        users = etree.SubElement(root, f"{{{PROJECT_NS}}}Users")
        for coder in coders:
            etree.SubElement(users, f"{{{PROJECT_NS}}}User", guid=_guid(p, "user", coder), name=coder)
    if codes:
        codebook = etree.SubElement(root, f"{{{PROJECT_NS}}}CodeBook")
        _code_elements(etree.SubElement(codebook, f"{{{PROJECT_NS}}}Codes"), PROJECT_NS, codes, p)
    files: dict[str, bytes] = {}
    if sources:
        sources_el = etree.SubElement(root, f"{{{PROJECT_NS}}}Sources")
        for source in sorted(sources, key=lambda s: s.id):
            sguid = _guid(p, "source", source.id)
            files[f"sources/{sguid}.txt"] = source.text.encode("utf-8")
            src_el = etree.SubElement(
                sources_el, f"{{{PROJECT_NS}}}TextSource", guid=sguid, name=source.name, plainTextPath=f"internal://{sguid}.txt"
            )
            for c in (c for c in codings if c.source_id == source.id):
                key = (source.id, str(c.start), str(c.end), c.code_id, c.coder)
                user = _guid(p, "user", c.coder)
                sel = etree.SubElement(
                    src_el,
                    f"{{{PROJECT_NS}}}PlainTextSelection",
                    guid=_guid(p, "selection", *key),
                    name=c.code_id,
                    startPosition=str(c.start),
                    endPosition=str(c.end),
                    creatingUser=user,
                )
                coding = etree.SubElement(sel, f"{{{PROJECT_NS}}}Coding", guid=_guid(p, "coding", *key), creatingUser=user)
                etree.SubElement(coding, f"{{{PROJECT_NS}}}CodeRef", targetGUID=_guid(p, "code", c.code_id))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in [("project.qde", _xml_bytes(root)), *sorted(files.items())]:
            info = zipfile.ZipInfo(name, date_time=_ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, data)
    atomic_write_bytes(Path(path), buf.getvalue())


# --- import -------------------------------------------------------------------------------


def _local(tag: object) -> str:
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def _norm_guid(g: str | None) -> str:
    return (g or "").strip().strip("{}").lower()


def _decode_source(data: bytes, where: str, path: Path) -> str:
    for bom, enc in ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16")):
        if data.startswith(bom):
            return data.decode(enc)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise QdaError(f"source text {where} is not UTF-8", path=path) from None


def _canonical_map(text: str) -> tuple[str, list[int]]:
    """Canonical text (no BOM, ``\\n`` line ends) and, for every position 0..len(text) of
    ``text``, the corresponding position in it."""
    out: list[str] = []
    pos = [0] * (len(text) + 1)
    i = 0
    if text.startswith("\ufeff"):
        i = 1
    k = 0
    while i < len(text):
        pos[i] = k
        ch = text[i]
        if ch == "\r" and i + 1 < len(text) and text[i + 1] == "\n":
            pos[i + 1] = k  # the pair becomes one "\n"
            i += 1
            ch = "\n"
        elif ch == "\r":
            ch = "\n"
        out.append(ch)
        k += 1
        i += 1
    pos[len(text)] = k
    return "".join(out), pos


def _utf16_to_cp(text: str) -> dict[int, int]:
    """UTF-16 code-unit offset -> code-point offset (offsets inside a surrogate pair are absent)."""
    table = {}
    unit = 0
    for i, ch in enumerate(text):
        table[unit] = i
        unit += 2 if ord(ch) > 0xFFFF else 1
    table[unit] = len(text)
    return table


def _to_code_points(text: str, positions: list[int], origin: str) -> tuple[list[int], str]:
    """Convert a project's positions to code points in ``text``; returns (positions, unit used)."""
    has_astral = any(ord(c) > 0xFFFF for c in text)
    if not has_astral:
        return positions, "code points"
    utf16 = _utf16_to_cp(text)
    fits_cp = all(0 <= p <= len(text) for p in positions)
    fits_utf16 = all(p in utf16 for p in positions)
    if fits_utf16 and (not fits_cp or "nvivo" in origin.lower()):
        return [utf16[p] for p in positions], "UTF-16 code units"
    if fits_cp:
        return positions, "code points"
    return [], ""


def _find_member(names: dict[str, str], path_attr: str) -> str | None:
    rel = re.sub(r"^(internal|relative|file)://", "", path_attr.strip(), flags=re.IGNORECASE).lstrip("/")
    for candidate in (f"sources/{rel}", rel):
        found = names.get(candidate.lower())
        if found:
            return found
    return None


def _our_code_id(name: str, code_ids: Sequence[str] | None) -> str:
    stripped = name.strip()
    if code_ids:
        for cid in sorted(code_ids, key=len, reverse=True):
            if stripped == cid or (stripped.startswith(cid) and not stripped[len(cid)].isalnum()):
                return cid
        return stripped
    m = _CODE_ID_RE.match(stripped)
    return m.group("id") if m else stripped


def import_qdpx(
    path: Path, sources: Sequence[QdaSource] | None = None, *, code_ids: Sequence[str] | None = None
) -> list[QdaCoding]:
    """Codings of a REFI-QDA project, in code points of our sources' text.

    ``sources``: our texts, matched to the project's sources by id or name (with or without
    a file extension); without them, positions refer to the project's text in canonical
    form and ``source_id`` is the project's source name. A code whose name is or starts with
    a codebook id (``code_ids``; default: ids shaped like ``F4``, ``F4.1``) maps to that id,
    otherwise its name is kept. The coder is the ``User`` who created the coding.
    """
    path = Path(path)
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise QdaError(f"not a REFI-QDA .qdpx project (a zip file): {type(exc).__name__}", path=path) from None
    with zf:
        infos = zf.infolist()
        if sum(i.file_size for i in infos) > _MAX_UNZIPPED_BYTES:
            raise QdaError("project unpacks to more than 512 MiB; refused", path=path)
        names = {i.filename.lower(): i.filename for i in infos if not i.is_dir()}
        qde = next((n for low, n in names.items() if PurePosixPath(low).name == "project.qde"), None)
        if qde is None:
            qde = next((n for low, n in names.items() if low.endswith(".qde")), None)
        if qde is None:
            raise QdaError("no project.qde inside the .qdpx file", path=path)
        parser = etree.XMLParser(resolve_entities=False, no_network=True, remove_comments=True)
        try:
            root = etree.fromstring(zf.read(qde), parser)
        except etree.XMLSyntaxError as exc:
            raise QdaError(f"project.qde is not well-formed XML: {exc.msg}", path=path, line=exc.lineno) from None
        if _local(root.tag) != "Project":
            raise QdaError(f"project.qde has root <{_local(root.tag)}>, not <Project>", path=path)
        origin = root.get("origin", "")
        users = {_norm_guid(u.get("guid")): u.get("name") or u.get("id") or _norm_guid(u.get("guid"))
                 for u in root.iter() if _local(u.tag) == "User"}
        code_names = {_norm_guid(c.get("guid")): c.get("name", "") for c in root.iter() if _local(c.tag) == "Code"}
        ours = {}
        for s in sources or ():
            for key in (s.id, s.name, PurePosixPath(s.name).stem):
                ours.setdefault(key, s)

        result: list[QdaCoding] = []
        for src in (e for e in root.iter() if _local(e.tag) == "TextSource"):
            name = src.get("name") or _norm_guid(src.get("guid"))
            where = f"{name!r}"
            plain_path = src.get("plainTextPath")
            if plain_path:
                member = _find_member(names, plain_path)
                if member is None:
                    raise QdaError(f"source {where}: its text {plain_path!r} is not inside the project", path=path)
                project_text = _decode_source(zf.read(member), where, path)
            else:
                content = next((e for e in src if _local(e.tag) == "PlainTextContent"), None)
                if content is None:
                    raise QdaError(f"source {where} has neither plainTextPath nor PlainTextContent", path=path)
                project_text = content.text or ""
            selections = [e for e in src if _local(e.tag) == "PlainTextSelection"]
            if not selections:
                continue
            target = (ours.get(name) or ours.get(PurePosixPath(name).stem)) if sources is not None else None
            if sources is not None and target is None:
                raise QdaError(f"source {where} matches none of our sources (by id or name)", path=path)

            raw = []
            for sel in selections:
                try:
                    raw.append((int(sel.get("startPosition")), int(sel.get("endPosition")), sel))
                except (TypeError, ValueError):
                    raise QdaError(f"source {where}: a selection has no integer start/end position", path=path) from None
            text = project_text.lstrip("\ufeff")
            positions, unit = _to_code_points(text, [p for s, e, _ in raw for p in (s, e)], origin)
            if not unit:
                raise QdaError(f"source {where}: selection positions do not fit its text", path=path)
            canon_p, map_p = _canonical_map(text)
            if target is not None:
                canon_o, map_o = _canonical_map(target.text)
                # tools may add or drop a final line break; any other difference moves words
                if canon_o.rstrip() != canon_p.rstrip():
                    raise QdaError(
                        f"source {where}: the project's text differs from ours; positions cannot be carried over",
                        path=path,
                    )
                back: dict[int, int] = {}
                for i in range(len(target.text), -1, -1):
                    back[map_o[i]] = i  # canonical position -> first position in our text
                source_id = target.id
            else:
                back = {k: k for k in range(len(canon_p) + 1)}
                stem = PurePosixPath(name)
                source_id = stem.stem if stem.suffix.lower() in (".txt", ".docx", ".rtf", ".pdf") else name
            limit = max(back)
            for n, (_, _, sel) in enumerate(raw):
                start = back[min(map_p[positions[2 * n]], limit)]
                end = back[min(map_p[positions[2 * n + 1]], limit)]
                if start > end:
                    start, end = end, start
                sel_user = _norm_guid(sel.get("creatingUser"))
                for coding in (e for e in sel if _local(e.tag) == "Coding"):
                    ref = next((e for e in coding if _local(e.tag) == "CodeRef"), None)
                    if ref is None:
                        continue
                    code_name = code_names.get(_norm_guid(ref.get("targetGUID")))
                    if code_name is None:
                        raise QdaError(f"source {where}: a coding refers to a code missing from the codebook", path=path)
                    user = _norm_guid(coding.get("creatingUser")) or sel_user
                    coder = users.get(user, user or "unknown")
                    result.append(QdaCoding(source_id, start, end, _our_code_id(code_name, code_ids), coder))
    return sorted(set(result))
