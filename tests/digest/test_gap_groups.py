"""Knowledge gaps grouped for people: similar phrasings together, misrouted messages out."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

from bot.analytics.gaps import gap_group, group_gaps, is_misrouted, write_faq_draft
from bot.store.records import KnowledgeGap

T = dt.datetime(2026, 11, 18, 2, 0, tzinfo=dt.UTC)


def _gap(n: int, question: str, account: str | None = "acme-games") -> KnowledgeGap:
    return KnowledgeGap(n, question, account, "web", T + dt.timedelta(minutes=n))


@pytest.mark.parametrize(
    "text",
    ["status", "Status?", "any update on SUP-1042?", "What's the status of our ticket?",
     "hi", "thanks!", "进度如何？", "human please", ""],
)  # fmt: skip
def test_misrouted_messages(text: str) -> None:
    assert is_misrouted(text)


@pytest.mark.parametrize(
    "text",
    ["Does the SDK support WebTransport?", "What does NC-4011 mean?",
     "status codes of the REST API", "支持鸿蒙系统吗？", "How do I update the SDK?"],
)  # fmt: skip
def test_documentation_questions_are_kept(text: str) -> None:
    assert not is_misrouted(text)


def test_similar_questions_are_one_group_in_the_phrasing_asked_most() -> None:
    groups = group_gaps(
        [
            _gap(1, "Is there a Unity SDK?"),
            _gap(2, "unity sdk?", "streamly"),
            _gap(3, "Is there a Unity SDK?", "streamly"),
            _gap(4, "Does the SDK support WebTransport?"),
            _gap(5, "status"),
        ]
    )
    assert [(g.question, g.count) for g in groups] == [
        ("Is there a Unity SDK?", 3),
        ("Does the SDK support WebTransport?", 1),
    ]
    assert groups[0].variants == ("unity sdk?",)
    assert groups[0].accounts == ("streamly", "acme-games")
    assert groups[0].ids == (1, 2, 3)


def test_a_draft_faq_entry_is_valid_yaml_for_review(tmp_path: Path) -> None:
    group = gap_group([_gap(1, "Is there a Unity SDK?"), _gap(2, "unity sdk?")])
    path = write_faq_draft(tmp_path / "drafts", group, now=T, by="Lin Qiang")
    text = path.read_text()
    assert text.startswith("# Draft FAQ entry from 2 unanswered question(s), by Lin Qiang")
    assert yaml.safe_load(text) == [
        {"question": "Is there a Unity SDK?", "answer": "", "also_asked": ["unity sdk?"]}
    ]
