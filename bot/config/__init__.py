"""The organisation file: plans, calendars, accounts, people, rotations, channels."""

from bot.config.loader import load_org_config, parse_org_config
from bot.config.model import (
    Account,
    CalendarSpec,
    EscalationStep,
    OnCall,
    OrgConfig,
    Person,
    Plan,
)

__all__ = [
    "Account",
    "CalendarSpec",
    "EscalationStep",
    "OnCall",
    "OrgConfig",
    "Person",
    "Plan",
    "load_org_config",
    "parse_org_config",
]
