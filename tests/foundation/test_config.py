"""The organisation file: the example is valid; mistakes are reported precisely."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import OrgConfig, load_org_config, parse_org_config
from bot.errors import ConfigError
from bot.settings import EXAMPLE_CONFIG

BASE = """\
people:
  - {id: csm-a, name: A, roles: [csm]}
  - {id: eng-a, name: E, roles: [engineer]}
accounts:
  - id: one
    name: One
    tier: pro
    csm: csm-a
    slack_channels: [C1]
"""


def test_example_config_describes_a_believable_organisation(example_config: OrgConfig) -> None:
    tiers = {a.tier for a in example_config.accounts}
    assert tiers == {"free", "basic", "pro", "enterprise"}
    csms = [p for p in example_config.people if "csm" in p.roles]
    assert len(csms) >= 2
    assert example_config.oncall is not None and len(example_config.oncall.rotation) == 3
    assert any("manager" in p.roles for p in example_config.people)


@pytest.mark.parametrize(
    ("yaml_text", "expected"),
    [
        (BASE.replace("tier: pro", "tier: gold"), ":7: accounts[0].tier: 'gold' is not allowed"),
        (
            BASE.replace("csm: csm-a", "csm: csm-zz"),
            ":8: accounts[0].csm: no person with id 'csm-zz'",
        ),
        (
            BASE.replace("csm: csm-a", "csm: eng-a"),
            ":8: accounts[0].csm: 'eng-a' does not have the csm role",
        ),
        (
            BASE.replace("    tier: pro\n", "    tier: pro\n    timezone: Mars/Olympus\n"),
            ":8: accounts[0].timezone: unknown time zone 'Mars/Olympus'",
        ),
        (
            BASE + "  - {id: two, name: Two, tier: basic, slack_channels: [C2, C1]}\n",
            ":10: accounts[1].slack_channels[1]: channel 'C1' is already mapped to account 'one'",
        ),
        (BASE + "acounts: []\n", ":10: acounts: unknown key"),
        (
            BASE + "oncall: {rotation: [eng-a, nobody]}\n",
            ":10: oncall.rotation[1]: no person with id 'nobody'",
        ),
        (
            BASE + "calendars:\n  x:\n    hours: {mon-fri: ['17:30-09:00']}\n",
            "calendars.x.hours: Value error, '17:30-09:00': the window must end after it starts",
        ),
        ("accounts: [\n", ": not valid YAML"),
    ],
)
def test_bad_config_names_file_line_key_and_problem(yaml_text: str, expected: str) -> None:
    with pytest.raises(ConfigError) as err:
        parse_org_config(yaml_text, source="deskbot.yaml")
    message = str(err.value)
    assert message.startswith("deskbot.yaml")
    assert expected.replace("Value error, ", "") in message


def test_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no such configuration file"):
        load_org_config(tmp_path / "nope.yaml")


def test_calendar_windows_expand_ranges_and_split_shifts(example_config: OrgConfig) -> None:
    windows = example_config.calendars["us-business"].weekly_windows()
    assert sorted(windows) == [0, 1, 2, 3, 4]
    assert [(s.isoformat(), e.isoformat() if e else None) for s, e in windows[0]] == [
        ("09:00:00", "12:30:00"),
        ("13:30:00", "18:00:00"),
    ]


def test_lookups(example_config: OrgConfig) -> None:
    account = example_config.account_for_channel("C0STREAMLY")
    assert account is not None and account.id == "streamly"
    web = example_config.account_for_web_key("demo-key-acme")
    assert web is not None and web.id == "acme-games"
    assert example_config.account_for_web_key("wrong") is None
    assert example_config.ladder_for("enterprise")[1].at == 0.75
    assert example_config.ladder_for("basic")[1].at == 0.8


def test_example_password_hash_verifies() -> None:
    from bot.passwords import hash_password, verify_password

    config = load_org_config(EXAMPLE_CONFIG)
    manager = config.person("mgr-lin")
    assert manager is not None and manager.password_hash
    assert verify_password("deskbot-demo", manager.password_hash)
    assert not verify_password("wrong", manager.password_hash)
    assert not verify_password("x", "garbage")
    assert verify_password("s3cret", hash_password("s3cret"))
