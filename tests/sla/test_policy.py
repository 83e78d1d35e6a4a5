"""Target specs, the default policy table and overrides."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from sla import DEFAULT_POLICY, Target, format_target, override_policy, parse_target

H = dt.timedelta(hours=1)


@pytest.mark.parametrize(
    ("spec", "target"),
    [
        ("30m 24x7", Target(0.5 * H, "24x7")),
        ("30 min 24x7", Target(0.5 * H, "24x7")),
        ("4 bh", Target(4 * H, "business")),
        ("4bh", Target(4 * H, "business")),
        ("4 business hours", Target(4 * H, "business")),
        ("4h business", Target(4 * H, "business")),
        ("8h", Target(8 * H, "business")),
        ("1h30m business", Target(1.5 * H, "business")),
        ("1.5h", Target(1.5 * H, "business")),
        ("2d 24x7", Target(48 * H, "24x7")),
        ("24 H 24/7", Target(24 * H, "24x7")),
        ("none", None),
        ("None", None),
        ("-", None),
        (None, None),
    ],
)
def test_parse_target(spec: str | None, target: Target | None) -> None:
    assert parse_target(spec) == target


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("4", "not a duration"),
        ("fast", "not a duration"),
        ("4 parsecs", "unknown unit"),
        ("2d", "hours"),
        ("2d business", "hours"),
        ("4bh 24x7", "cannot be 24x7"),
        ("0m", "positive"),
        ("24x7", "not a duration"),
    ],
)
def test_bad_specs(spec: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_target(spec)


def test_format_round_trips() -> None:
    for spec in ("30m 24x7", "4h business", "1h30m business", "none"):
        assert format_target(parse_target(spec)) == spec


# DESIGN.md, "Default SLA policy"
DESIGN_TABLE = {
    "free": ("24 bh", "24 bh", "none", "none"),
    "basic": ("4 bh", "8 bh", "24 bh", "48 bh"),
    "pro": ("30m 24x7", "4 bh", "24h 24x7", "24 bh"),
    "enterprise": ("30m 24x7", "1h 24x7", "8h 24x7", "8h 24x7"),
}


@pytest.mark.parametrize("tier", list(DESIGN_TABLE))
@pytest.mark.parametrize("priority", ["P1", "P2", "P3", "P4"])
def test_default_policy_is_the_design_table(tier: str, priority: str) -> None:
    fr_p1, fr, res_p1, res = DESIGN_TABLE[tier]
    targets = DEFAULT_POLICY.targets(tier, priority)
    p1 = priority == "P1"
    assert targets.first_response == parse_target(fr_p1 if p1 else fr)
    assert targets.resolution == parse_target(res_p1 if p1 else res)


def test_overrides_from_yaml_like_data() -> None:
    policy = override_policy(
        DEFAULT_POLICY,
        "enterprise",
        {"P1": {"first_response": "15m 24x7"}, "P4": {"resolution": "none"}},
    )
    assert policy.targets("enterprise", "P1").first_response == Target(0.25 * H, "24x7")
    assert policy.targets("enterprise", "P1").resolution == Target(8 * H, "24x7")  # kept
    assert policy.targets("enterprise", "P4").resolution is None
    assert policy.targets("pro", "P1") == DEFAULT_POLICY.targets("pro", "P1")
    assert DEFAULT_POLICY.targets("enterprise", "P1").first_response == Target(0.5 * H, "24x7")


def test_overrides_from_objects_and_chaining() -> None:
    @dataclass
    class Override:
        first_response: str | None = None
        resolution: str | None = None

    plan = DEFAULT_POLICY.with_overrides("basic", {"P2": Override(resolution="24 bh")})
    account = plan.with_overrides("basic", {"p2": Override(first_response="2h business")})
    assert account.targets("basic", "P2").first_response == Target(2 * H)
    assert account.targets("basic", "P2").resolution == Target(24 * H)


@pytest.mark.parametrize(
    ("tier", "overrides", "message"),
    [
        ("gold", {}, "unknown tier"),
        ("pro", {"P7": {}}, "unknown priority"),
        ("pro", {"P1": {"respond": "1h"}}, "unknown target key"),
        ("pro", {"P1": {"first_response": "soon"}}, r"pro\.P1\.first_response"),
    ],
)
def test_bad_overrides(tier: str, overrides: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        override_policy(DEFAULT_POLICY, tier, overrides)


def test_unknown_tier_or_priority_lookups() -> None:
    with pytest.raises(ValueError, match="tier"):
        DEFAULT_POLICY.targets("platinum", "P1")
    with pytest.raises(ValueError, match="priority"):
        DEFAULT_POLICY.targets("pro", "urgent")
