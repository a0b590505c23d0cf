"""Identifier formats from ``redaction/countries/*.yml`` with their checksum validators."""

from __future__ import annotations

import datetime as dt
import re

from unreported.redaction.countries import CountryFormats
from unreported.redaction.recognizers.base import RegexRecognizer, RegexRule


def _digits(s: str) -> str:
    return re.sub(r"\D", "", s)


def luhn(s: str) -> bool:
    """Bank card check digit."""
    d = [int(c) for c in _digits(s)]
    if not 12 <= len(d) <= 19:
        return False
    total = 0
    for i, x in enumerate(reversed(d)):
        if i % 2:
            x *= 2
            if x > 9:
                x -= 9
        total += x
    return total % 10 == 0


def _valid_date(day: int, month: int, year: int) -> bool:
    try:
        dt.date(year, month, day)
    except ValueError:
        return False
    return 1900 <= year <= dt.date.today().year


def kg_pin(s: str) -> bool:
    """Kyrgyz personal number: sex digit 1/2, then the date of birth as DDMMYYYY."""
    d = _digits(s)
    return len(d) == 14 and d[0] in "12" and _valid_date(int(d[1:3]), int(d[3:5]), int(d[5:9]))


def kz_iin(s: str) -> bool:
    """Kazakh IIN: YYMMDD, century/sex digit 1-6, serial, and the two-pass check digit."""
    d = [int(c) for c in _digits(s)]
    if len(d) != 12 or d[6] not in range(1, 7):
        return False
    century = {1: 1800, 2: 1800, 3: 1900, 4: 1900, 5: 2000, 6: 2000}[d[6]]
    if not _valid_date(d[4] * 10 + d[5], d[2] * 10 + d[3], century + d[0] * 10 + d[1]):
        return False
    check = sum((i + 1) * d[i] for i in range(11)) % 11
    if check == 10:
        check = sum(((i + 2) % 11 or 11) * d[i] for i in range(11)) % 11
        weights = [3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2]
        check = sum(w * x for w, x in zip(weights, d[:11])) % 11
    return check == d[11]


def ru_snils(s: str) -> bool:
    d = [int(c) for c in _digits(s)]
    if len(d) != 11:
        return False
    total = sum(x * (9 - i) for i, x in enumerate(d[:9]))
    check = total % 101
    return (0 if check == 100 else check) == d[9] * 10 + d[10]


VALIDATORS = {"luhn": luhn, "kg_pin": kg_pin, "kz_iin": kz_iin, "ru_snils": ru_snils}

# Formats every study needs whatever its countries: bank cards, IBANs, IP addresses.
_GENERIC = [
    RegexRule("card", "ID_NUMBER", re.compile(r"(?<!\d)(?:\d[ -]?){11,18}\d(?!\d)"), 0.6, luhn,
              ("card", "карта", "карты", "картасы", "visa", "mastercard")),
    RegexRule("iban", "ID_NUMBER", re.compile(r"\b[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]{4}){2,7}(?:[ ]?[A-Z0-9]{1,4})?\b"), 0.6),
    RegexRule("ipv4", "ID_NUMBER", re.compile(r"\b(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)\b"), 0.6),
    RegexRule("ipv6", "ID_NUMBER", re.compile(r"\b(?:[0-9a-fA-F]{1,4}:){7}[0-9a-fA-F]{1,4}\b"), 0.6),
    RegexRule("us_ssn", "ID_NUMBER", re.compile(r"\b(?!000|666|9\d\d)\d{3}-(?!00)\d{2}-(?!0000)\d{4}\b"), 0.5,
              None, ("ssn", "social security")),
    RegexRule("case_number", "ID_NUMBER", re.compile(r"(?i:(?:case|дело|делу|иш|иштин)\s+)?(?:(?<!\w)No\.?|№)\s?\d{1,5}[-/]\d{1,6}(?:[-/]\d{2,4})?"), 0.6),
    RegexRule("long_number_with_context", "ID_NUMBER", re.compile(r"\b[A-Z]{0,3}\d{6,16}\b"), 0.15, None,
              ("passport", "паспорт", "license", "licence", "id", "number", "номер", "№", "удостоверение", "account", "счет", "счёт",
               "нөмір", "куәлік", "шот")),
]


def build(formats: list[CountryFormats], language: str) -> RegexRecognizer:
    rules = list(_GENERIC)
    for cf in formats:
        for p in cf.patterns:
            flags = 0 if p.case_sensitive else re.IGNORECASE
            rules.append(
                RegexRule(
                    name=p.name,
                    label=p.label,
                    pattern=re.compile(p.regex, flags),
                    score=p.score,
                    validator=VALIDATORS[p.validator] if p.validator else None,
                    context=tuple(p.context),
                )
            )
    return RegexRecognizer(rules, name="country_formats", language=language)
