from __future__ import annotations

from bot.triage.redactor import Redactor, redact

SECRETS = [
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4ifQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",
    "9f8e7d6c5b4a39281706f5e4d3c2b1a0",
    "xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx",
    "xapp-1-A01ABCDEF-1234567890-abcdef0123456789abcdef",
    "AKIAIOSFODNN7EXAMPLE",
    "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    "sk-proj-AbCdEf0123456789GhIjKlMnOpQr",
    "S3cr3t-Passw0rd",
    "jane.doe@example.com",
    "+1 415-555-0132",
    "13812345678",
    "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7",
    "007eJxTYLiz5ZbHBLzsmHWxbYNwDp4nhrS2ir3JRpgAAD1sCYk",
    "ya29.a0AfH6SMBx-secretvalue-1234567890abcdef",
    "AIzaSyA1234567890abcdefghijklmnopqrstuv",
    "hunter2hunter2",
]

LOG = f"""\
05-01 12:00:01.123 12345-12399 D/RtcEngine: joinChannel token={SECRETS[12]} channel=r1 uid=42
2024-05-01 12:00:01.200 I/Auth: POST https://api.example.com/v1/login
Authorization: Bearer {SECRETS[0]}
[2024-05-01T12:00:02Z] INFO slack: posting with token {SECRETS[2]}
socket mode app token: {SECRETS[3]}
agora: appId=0123456789abcdef0123456789abcdef appCertificate={SECRETS[1]}
aws_access_key_id={SECRETS[4]}
aws_secret_access_key={SECRETS[5]}
OPENAI_API_KEY={SECRETS[6]}
DB: connecting to postgres://admin:{SECRETS[7]}@db.internal:5432/chat
user profile: {{"email": "{SECRETS[8]}", "phone": "{SECRETS[9]}"}}
收到短信验证码的手机号 {SECRETS[10]}
-----BEGIN PRIVATE KEY-----
{SECRETS[11]}
-----END PRIVATE KEY-----
curl -H "Authorization: Bearer {SECRETS[13]}" https://www.googleapis.com/
maps key "apiKey": "{SECRETS[14]}"
login form: username=bob&password={SECRETS[15]}&remember=1
E/RtcEngine: onError code=1501 at 2024-05-01 12:00:03, SDK 4.2.1, Android 14
"""


def test_no_secret_survives_realistic_log() -> None:
    out = redact(LOG)
    for secret in SECRETS:
        assert secret not in out, secret
    # the useful parts of the log stay readable
    assert "onError code=1501" in out
    assert "SDK 4.2.1, Android 14" in out
    assert "2024-05-01 12:00:01.200" in out
    assert "[REDACTED:jwt]" in out and "[REDACTED:private_key]" in out


def test_emails_and_phones_are_configurable() -> None:
    keep = Redactor(emails=False, phones=False)
    text = "mail jane.doe@example.com or call +44 20 7946 0958, token=abcdefgh12345"
    out = keep.redact(text)
    assert "jane.doe@example.com" in out and "+44 20 7946 0958" in out
    assert "abcdefgh12345" not in out
    assert "jane.doe@example.com" not in redact(text)


def test_versions_dates_and_ids_are_not_phone_numbers() -> None:
    text = "version 4.2.1 build 20241022 at 2024-10-22 12:00:00 uid 1234567 Android 14"
    assert redact(text) == text


def test_findings_name_rules_not_values() -> None:
    findings = Redactor().findings(f"Bearer {SECRETS[0]}")
    assert "jwt" in findings
    assert all(SECRETS[0] not in f for f in findings)
