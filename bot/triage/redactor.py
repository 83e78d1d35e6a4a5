"""Secret and personal-data redaction, applied before anything is stored, shown or sent.

Each rule is a named regex; a match is replaced by ``[REDACTED:<rule>]`` (for key=value forms
only the value is replaced, so the log line stays readable). Rules run in order: the most
specific shapes (private keys, JWTs, vendor tokens) before the generic key=value rule, so a
token is labelled by what it is.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

_SECRET_NAMES = (
    r"api[_-]?key|apikey|api[_-]?secret|app[_-]?secret|appsecret|app[_-]?certificate|"
    r"appcertificate|app[_-]?cert|client[_-]?secret|secret[_-]?key|secret[_-]?access[_-]?key|"
    r"access[_-]?key[_-]?secret|access[_-]?token|refresh[_-]?token|auth[_-]?token|"
    r"id[_-]?token|session[_-]?token|user[_-]?sig|usersig|signature|token|password|passwd|pwd|"
    r"passphrase|secret|private[_-]?key|credentials?|x-api-key|aws_secret_access_key"
)


@dataclass(frozen=True)
class Rule:
    name: str
    pattern: re.Pattern[str]
    # group whose span is replaced; 0 = whole match
    group: int = 0
    category: str = "secret"
    # lower-case substrings one of which every match contains: a cheap pre-check that skips
    # the regex on the (common) log without any candidate
    hints: tuple[str, ...] = ()
    multiline: bool = False


def _r(text: str, flags: int = 0) -> re.Pattern[str]:
    return re.compile(text, flags)


RULES: tuple[Rule, ...] = (
    Rule(
        "private_key",
        _r(
            r"-----BEGIN [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----.*?"
            r"(?:-----END [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----|\Z)",
            re.S,
        ),
        hints=("private key",),
        multiline=True,
    ),
    Rule("jwt", _r(r"\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*"), hints=("eyj",)),
    Rule("slack_token", _r(r"\bx(?:ox[abposre]|app)-[A-Za-z0-9-]{8,}"), hints=("xox", "xapp-")),
    Rule(
        "slack_webhook",
        _r(r"https://hooks\.slack\.com/services/[A-Za-z0-9/_-]+"),
        hints=("hooks.slack.com",),
    ),
    Rule(
        "aws_access_key",
        _r(r"\b(?:AKIA|ASIA|AGPA|AIDA|AROA)[0-9A-Z]{16}\b"),
        hints=("akia", "asia", "agpa", "aida", "aroa"),
    ),
    Rule(
        "github_token",
        _r(r"\b(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{40,})"),
        hints=("gh", "github_pat_"),
    ),
    Rule(
        "api_key",
        _r(r"\b(?:sk|pk|rk)[-_](?:live|test|proj|ant)?[-_]?[A-Za-z0-9_-]{20,}"),
        hints=("sk-", "sk_", "pk-", "pk_", "rk-", "rk_"),
    ),
    Rule("google_api_key", _r(r"\bAIza[0-9A-Za-z_-]{35}\b"), hints=("aiza",)),
    Rule(
        "bearer",
        _r(r"(?i)\b(?:bearer|basic|token)\s+([A-Za-z0-9._~+/=-]{12,})"),
        group=1,
        hints=("bearer", "basic", "token"),
    ),
    Rule(
        "url_password",
        _r(r"\b[a-zA-Z][a-zA-Z0-9+.-]{0,20}://[^\s/:@]{1,200}:([^\s/@]{1,200})@"),
        group=1,
        hints=("://",),
    ),
    Rule(
        "secret_value",
        # name = value, name: value, "name": "value", name=value in a query string
        _r(
            rf"(?i)(?<![A-Za-z0-9])[\"']?(?:{_SECRET_NAMES})[\"']?(?:\s+is)?\s*[:=]\s*[\"']?"
            r"([^\s\"',;&}<>\]]{4,})"
        ),
        group=1,
        hints=("key", "secret", "token", "pass", "pwd", "sig", "cert", "cred"),
    ),
    Rule(
        "secret_value",
        # "App Certificate 0123...": a long opaque value right after a secret's name
        _r(
            r"(?i)\b(?:app\s?certificate|app\s?secret|api\s?key|secret\s?key|"
            r"client\s?secret)\b\W{1,4}([A-Za-z0-9_+/=-]{16,})"
        ),
        group=1,
        hints=("certificate", "secret", "key"),
    ),
    Rule(
        "aws_secret_key",
        _r(r"(?<![A-Za-z0-9/+=])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])(?=.*(?:aws|secret))", re.I),
        hints=("aws", "secret"),
    ),
    Rule(
        "email",
        _r(
            r"\b[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){0,8}"
            r"\.[A-Za-z]{2,24}\b"
        ),
        category="email",
        hints=("@",),
    ),
    Rule(
        "phone",
        _r(
            r"(?<![\w.+-])(?:"
            r"\+\d{1,3}[\s-]?(?:\(\d{1,4}\)[\s-]?)?\d{2,4}(?:[\s-]?\d{2,4}){1,3}"  # international
            r"|1[3-9]\d{9}"  # CN mobile
            r"|\(\d{3}\)\s?\d{3}-\d{4}"  # US (555) 123-4567
            r"|\d{3}-\d{3}-\d{4}"  # US 555-123-4567
            r")(?![\w.-])"
        ),
        category="phone",
    ),
)


@dataclass(frozen=True)
class Redactor:
    """Replaces secrets (always) and e-mail addresses / phone numbers (configurable)."""

    emails: bool = True
    phones: bool = True
    extra_patterns: tuple[str, ...] = field(default=())

    def _rules(self) -> Iterable[Rule]:
        for rule in RULES:
            if rule.category == "email" and not self.emails:
                continue
            if rule.category == "phone" and not self.phones:
                continue
            yield rule
        for index, pattern in enumerate(self.extra_patterns):
            yield Rule(f"custom{index}", re.compile(pattern))

    def redact(self, text: str) -> str:
        """The text with every match replaced by ``[REDACTED:<rule>]``."""
        rules = list(self._rules())
        # Private keys span lines: redact them on the whole text first.
        for rule in rules:
            if rule.multiline:
                text = _apply(rule, text)
        lines = text.split("\n")
        lowered = [line.lower() for line in lines]
        for rule in rules:
            if rule.multiline:
                continue
            if not rule.hints:
                lines = _apply(rule, "\n".join(lines)).split("\n")
                continue
            # Only lines holding a hint can match; in a long log that is a handful of lines.
            # Redaction only removes text, so a hint absent before stays absent.
            for index, low in enumerate(lowered):
                if any(hint in low for hint in rule.hints):
                    lines[index] = _apply(rule, lines[index])
        return "\n".join(lines)

    def findings(self, text: str) -> list[str]:
        """Names of the rules that matched (for an audit line; never the values)."""
        return sorted({rule.name for rule in self._rules() if rule.pattern.search(text)})


def _apply(rule: Rule, text: str) -> str:
    marker = f"[REDACTED:{rule.name}]"

    def replace(match: re.Match[str]) -> str:
        if rule.group == 0:
            return marker
        value = match.group(rule.group)
        if value is None or value.startswith("[REDACTED"):
            return match.group(0)
        start = match.start(rule.group) - match.start(0)
        whole = match.group(0)
        return whole[:start] + marker + whole[start + len(value) :]

    return rule.pattern.sub(replace, text)


DEFAULT_REDACTOR = Redactor()


def redact(text: str) -> str:
    """Redact with the default policy (everything on)."""
    return DEFAULT_REDACTOR.redact(text)
