"""bot/sla_setup.py: the organisation config turned into sla objects."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from bot import sla_setup
from bot.config import OrgConfig, parse_org_config
from bot.errors import ConfigError, InvalidInput
from sla import AlwaysOpen, BusinessCalendar, LadderStep, Target
from tests.sla.conftest import at

EXAMPLE = Path(__file__).resolve().parents[2] / "deskbot.example.yaml"
H = dt.timedelta(hours=1)


@pytest.fixture(scope="module")
def example() -> OrgConfig:
    if not EXAMPLE.exists():
        pytest.skip("deskbot.example.yaml is absent")
    return parse_org_config(EXAMPLE.read_text(encoding="utf-8"), source=str(EXAMPLE))


def test_account_calendars(example: OrgConfig) -> None:
    streamly = sla_setup.account_calendar(example, sla_setup.find_account(example, "streamly"))
    assert isinstance(streamly, BusinessCalendar) and streamly.name == "us-business"
    assert not streamly.is_open(at("2026-11-23T12:45-05:00"))  # lunch
    assert not streamly.is_open(at("2026-11-26T10:00-05:00"))  # Thanksgiving
    pixelpals = sla_setup.account_calendar(example, sla_setup.find_account(example, "pixelpals"))
    assert pixelpals.is_open(at("2026-02-14T10:00+08:00"))  # CN make-up Saturday
    assert not pixelpals.is_open(at("2026-12-31T10:00+08:00"))  # configured company day off
    account = sla_setup.find_account(example, "pixelpals")
    assert isinstance(sla_setup.account_calendar(example, account, name="24x7"), AlwaysOpen)


def test_account_policy(example: OrgConfig) -> None:
    acme = sla_setup.find_account(example, "acme-games")
    policy = sla_setup.account_policy(example, acme)
    assert policy.targets("enterprise", "P1").first_response == Target(0.25 * H, "24x7")
    assert policy.targets("enterprise", "P2").first_response == Target(H, "24x7")


def test_ladders_and_rotation(example: OrgConfig) -> None:
    assert sla_setup.ladder_for(example, "enterprise").steps[1] == LadderStep(
        0.75, ("csm", "oncall")
    )
    assert sla_setup.ladder_for(example, "basic").steps[1] == LadderStep(0.8, ("csm", "oncall"))
    rotation = sla_setup.rotation_for(example)
    assert rotation is not None
    assert rotation.on_call(at("2026-01-05T10:00+08:00")) == "eng-chen"
    assert rotation.on_call(at("2026-01-12T10:00+08:00")) == "eng-li"


def test_bad_config_values_become_config_errors() -> None:
    config = parse_org_config("calendars:\n  odd:\n    holidays_country: XX\n")
    with pytest.raises(ConfigError, match=r"calendars\.odd"):
        sla_setup.named_calendar(config, "odd")
    # A target that is not a duration is refused when the file is read, naming the key.
    with pytest.raises(ConfigError, match=r"plans\.pro\.targets\.P1\.first_response"):
        parse_org_config("plans:\n  pro:\n    targets:\n      P1: {first_response: soon}\n")
    with pytest.raises(InvalidInput, match="unknown account"):
        sla_setup.find_account(config, "ghost")
    with pytest.raises(InvalidInput, match="unknown calendar"):
        sla_setup.named_calendar(config, "lunar")
