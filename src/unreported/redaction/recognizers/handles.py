"""Messenger handles and profile links: @name, t.me/..., wa.me/..., instagram.com/..., vk.com/..."""

from __future__ import annotations

import re

from unreported.redaction.recognizers.base import RegexRecognizer, RegexRule

_SITES = r"(?:t\.me|telegram\.me|wa\.me|instagram\.com|vk\.com|ok\.ru|facebook\.com|fb\.com|tiktok\.com|twitter\.com|x\.com|youtube\.com)"
RULES = [
    RegexRule("profile_link", "USERNAME", re.compile(r"(?:https?://)?(?:www\.)?" + _SITES + r"/@?[\w.\-]{2,64}", re.I), 0.9),
    # snake_case tokens in speech are page / channel / account names: dubai_job_kg
    RegexRule("snake_handle", "USERNAME", re.compile(r"(?<![\w@/.])[A-Za-z][A-Za-z0-9]*(?:_[A-Za-z0-9]+)+\b"), 0.6),
    RegexRule("at_handle", "USERNAME", re.compile(r"(?<![\w.@])@[A-Za-z][A-Za-z0-9_.]{2,31}(?<!\.)"), 0.8),
    RegexRule(
        "named_handle",
        "USERNAME",
        re.compile(
            r"(?i:(?:ник|никнейм|логин|username|user name|nickname|handle|skype|скайп|telegram|телеграм|instagram|инстаграм)"
            r"\w*(?:\s*[:\-]\s*|\s+(?=@)))(?P<v>@?[A-Za-z][A-Za-z0-9_.]{3,31})\b"
        ),
        0.75,
    ),
]


def build(language: str) -> RegexRecognizer:
    return RegexRecognizer(RULES, name="handles", language=language)
