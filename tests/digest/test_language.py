"""The digest in its reader's language (``people[].language``): Chinese for Wang Fang, English
for the others, ticket subjects as written; a bad language fails ``deskbot config check``."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli.main import app
from bot.context import AppContext
from bot.digest import build_digest, render_blocks, render_html, render_markdown
from bot.digest.delivery import _messages
from bot.digest.texts import TEXT
from tests.digest.test_content import AS_OF, _seed

DAY = dt.date(2026, 11, 18)
ENGLISH_TITLES = [en for key, (en, _) in TEXT.items() if key.startswith("sec_") and en != "P1"]
ENGLISH_WORDS = ["Morning digest", "Trend", "Quiet", "overdue", "told", " due ", "Since", "thread"]


def _three_ways(ctx: AppContext, csm: str) -> tuple[str, str, str]:
    digest = build_digest(ctx, csm, as_of=AS_OF, day=DAY)
    blocks = json.dumps([p.payload() for p in render_blocks(digest)], ensure_ascii=False)
    return render_markdown(digest), blocks, render_html(digest)


def test_a_chinese_csm_reads_the_whole_digest_in_chinese(desk_ctx: AppContext) -> None:
    keys = _seed(desk_ctx)
    for rendered in _three_ways(desk_ctx, "csm-wang"):
        assert "Wang Fang 的日报 — 2026年11月18日 周三" in rendered
        for title in (
            "已超时",
            "未来 24 小时有超时风险",
            "客户等待超过 4 小时",
            "机器人未能回答的问题",
        ):
            assert title in rendered
        assert "首次响应已超时 4 小时；已通知 Wang Fang、Chen Hao" in rendered
        assert "解决截止 11月18日 周三 21:00（12 小时后）" in rendered
        assert "升级频道" in rendered and "无动态：Tianqi Health（1 个未关闭）" in rendered
        assert "近 7 天 3 个工单，比之前 7 天（0 个）多 3 个" in rendered
        # What customers wrote stays as written; ticket keys and links too.
        assert "Production login fails" in rendered and "Is there a Unity SDK?" in rendered
        assert keys["outage"] in rendered
        for english in ENGLISH_TITLES + ENGLISH_WORDS:
            assert english not in rendered, english


def test_the_subject_line_and_slack_notification_are_chinese_too(desk_ctx: AppContext) -> None:
    _seed(desk_ctx)
    digest = build_digest(desk_ctx, "csm-wang", as_of=AS_OF, day=DAY)
    (mail,) = _messages(digest, "email", "wang.fang@nimbus.example", sent_at=AS_OF)
    assert mail.payload["subject"] == "Wang Fang 的日报 — 2026年11月18日 周三"
    (page,) = render_blocks(digest)
    assert (
        page.text == "Wang Fang 的日报 — 2026年11月18日 周三: 已超时 1，有超时风险 1，P1 1，新建 2"
    )


def test_others_keep_english_and_anyone_can_be_asked_for_english(desk_ctx: AppContext) -> None:
    _seed(desk_ctx)
    miller = build_digest(desk_ctx, "csm-miller", as_of=AS_OF)
    assert miller.language == "en", "no language in the file: English"
    markdown = render_markdown(miller)
    assert markdown.startswith("# Morning digest for Sarah Miller — Tue 17 Nov 2026")
    assert "**Breached** (1)" in markdown and "的" not in markdown
    wang_en = build_digest(desk_ctx, "csm-wang", as_of=AS_OF, day=DAY, language="en")
    assert render_markdown(wang_en).startswith("# Morning digest for Wang Fang — Wed 18 Nov 2026")


@pytest.fixture
def config_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("DESKBOT_HOME", str(tmp_path / "home"))
    path = tmp_path / "deskbot.yaml"
    monkeypatch.setenv("DESKBOT_CONFIG", str(path))
    return path


PERSON = "people:\n  - id: csm-a\n    name: A\n    roles: [csm]\n    language: {language}\n"


def test_config_check_accepts_a_language(config_file: Path) -> None:
    config_file.write_text(PERSON.format(language="zh"))
    result = CliRunner().invoke(app, ["config", "check"])
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("language", ["fr", "Chinese", "zh-CN"])
def test_config_check_names_the_languages_it_takes(config_file: Path, language: str) -> None:
    config_file.write_text(PERSON.format(language=language))
    result = CliRunner().invoke(app, ["config", "check"])
    assert result.exit_code == 1
    line = result.stderr.strip()
    assert "\n" not in line
    assert line.startswith(f"error: {config_file}:5: people[0].language:"), line
    assert "'en' or 'zh'" in line, line


@pytest.mark.parametrize(
    ("group", "value", "zh"),
    [("stage", "quote sent", "已报价"), ("stage", "in_review", "审核中"), ("kind", "bug", "缺陷")],
)
def test_stages_read_in_chinese_however_they_are_spelled(group: str, value: str, zh: str) -> None:
    from bot.digest.texts import word

    assert word("zh", group, value) == zh
    assert word("en", group, value) == value.replace("_", " "), "English as it always was"
    assert word("zh", "stage", "brand_new_stage") == "brand new stage", "untranslated: as is"
