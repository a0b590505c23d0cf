"""The pseudonym key: original → pseudonym, stored only encrypted, outside ``corpus/``.

The file is JSON holding the scrypt parameters, a random salt and a Fernet token; the
Fernet key and the HMAC key for pseudonyms are both derived from the secret with scrypt.
The secret comes from ``$UNREPORTED_KEY_SECRET`` or a prompt. Only a study marked
``synthetic: true`` may fall back to the documented demo secret below; a real study
without a secret fails closed. Errors never contain the secret or any original string.
"""

from __future__ import annotations

import base64
import getpass
import hashlib
import hmac
import json
import os
import sys
from pathlib import Path
from typing import Any

from unreported.cache import atomic_write_bytes
from unreported.errors import RedactionError

SECRET_ENV = "UNREPORTED_KEY_SECRET"
#: Documented demo secret, accepted only for studies with ``synthetic: true`` (fictional data).
DEMO_SECRET = "unreported-synthetic-demo-secret"
FORMAT = "unreported-key/1"
_SCRYPT = {"n": 2**14, "r": 8, "p": 1}


def resolve_secret(study, *, prompt: bool = True) -> str:
    """The key secret: environment, else an interactive prompt, else (synthetic only) the demo secret."""
    secret = os.environ.get(SECRET_ENV)
    if secret:
        return secret
    if study.config.synthetic:
        return DEMO_SECRET
    if prompt and sys.stdin is not None and sys.stdin.isatty():
        secret = getpass.getpass("Pseudonym key secret: ")
        if secret:
            return secret
    raise RedactionError(
        f"no key secret: set {SECRET_ENV} (the demo secret is allowed only for synthetic studies)",
        path=study.key_path,
    )


def _derive(secret: str, salt: bytes) -> tuple[bytes, bytes]:
    raw = hashlib.scrypt(secret.encode("utf-8"), salt=salt, dklen=64, **_SCRYPT)
    return base64.urlsafe_b64encode(raw[:32]), raw[32:]


class KeyStore:
    """The decrypted key in memory: per label, digest → {"n": number, "forms": [originals]}."""

    def __init__(self, path: Path, secret: str, data: dict[str, Any], salt: bytes) -> None:
        self.path = Path(path)
        self._fernet_key, self._hmac_key = _derive(secret, salt)
        self._salt = salt
        self.data = data
        self.dirty = False

    @classmethod
    def open(cls, path: Path, secret: str, *, create: bool = True) -> KeyStore:
        from cryptography.fernet import Fernet, InvalidToken

        path = Path(path)
        if not path.exists():
            if not create:
                raise RedactionError("no pseudonym key file: run `unreported redact` first", path=path)
            store = cls(path, secret, {"labels": {}}, os.urandom(16))
            store.dirty = True
            return store
        try:
            wrapper = json.loads(path.read_text(encoding="utf-8"))
            if wrapper.get("format") != FORMAT:
                raise ValueError
            salt = base64.b64decode(wrapper["salt"])
        except (ValueError, KeyError, json.JSONDecodeError):
            raise RedactionError("not an unreported key file (unknown format)", path=path) from None
        store = cls(path, secret, {}, salt)
        try:
            store.data = json.loads(Fernet(store._fernet_key).decrypt(wrapper["token"].encode("ascii")))
        except InvalidToken:
            raise RedactionError("cannot decrypt the key file: wrong secret or damaged file", path=path) from None
        return store

    @property
    def key_id(self) -> str:
        """A public fingerprint of the key (not the key): changes when the key file is replaced."""
        return hashlib.sha256(self._salt).hexdigest()[:16]

    def digest(self, normal_form: str) -> str:
        return hmac.new(self._hmac_key, normal_form.encode("utf-8"), hashlib.sha256).hexdigest()

    def number(self, label: str, normal_form: str, original: str) -> int:
        """The study-wide number of an entity, assigned on first sight; records the original form."""
        entries = self.data.setdefault("labels", {}).setdefault(label, {})
        d = self.digest(normal_form)
        entry = entries.get(d)
        if entry is None:
            entry = entries[d] = {"n": len(entries) + 1, "forms": []}
            self.dirty = True
        if original not in entry["forms"]:
            entry["forms"].append(original)
            entry["forms"].sort()
            self.dirty = True
        return entry["n"]

    def originals(self) -> list[tuple[str, str]]:
        """(label, original string) for every recorded form, for the leak check."""
        return [(label, form) for label, entries in self.data.get("labels", {}).items()
                for entry in entries.values() for form in entry["forms"]]

    def lookup(self, label: str, n: int) -> list[str]:
        """Original forms behind ``[LABEL_n]`` (re-identification)."""
        return next((e["forms"] for e in self.data.get("labels", {}).get(label, {}).values() if e["n"] == n), [])

    def save(self) -> None:
        from cryptography.fernet import Fernet

        if not self.dirty:
            return
        payload = json.dumps(self.data, ensure_ascii=False, sort_keys=True).encode("utf-8")
        wrapper = {"format": FORMAT, "kdf": "scrypt", **_SCRYPT, "salt": base64.b64encode(self._salt).decode("ascii"),
                   "token": Fernet(self._fernet_key).encrypt(payload).decode("ascii")}
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        atomic_write_bytes(self.path, (json.dumps(wrapper, indent=1) + "\n").encode("utf-8"), mode=0o600)
        self.dirty = False


def open_for_study(study, *, create: bool = True) -> KeyStore:
    return KeyStore.open(study.key_path, resolve_secret(study), create=create)
