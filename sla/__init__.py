"""sla: pure SLA logic on times and events. No database, no Slack, no clock: ``now`` is passed in.

The model
---------

- A **calendar** says when working time runs (:mod:`sla.calendar`). ``BusinessCalendar`` has a
  time zone, weekly windows (several a day), public holidays of a country from the ``holidays``
  package, extra holidays and make-up working days (China's weekend 调休 days are read from the
  package, see :mod:`sla.holidays`). ``AlwaysOpen`` is 24x7. Both add working time to an
  instant and measure working time between instants, on absolute instants (DST-correct).
- A **target** is a duration on a calendar kind, ``business`` (the account's calendar) or
  ``24x7``, written ``"30m 24x7"``, ``"4 bh"``, ``"none"`` (:mod:`sla.durations`).
- A **policy** maps (tier, priority) to a first-response and a resolution target
  (:mod:`sla.policy`); ``DEFAULT_POLICY`` is the DESIGN.md table; ``override_policy`` applies
  plan and account overrides given as plain data.
- **Clocks** are replayed from a ticket's events (:mod:`sla.clock`): first response stops on the
  first human agent reply or acknowledge; resolution pauses while waiting on the customer,
  stops on resolve and restarts on reopen; a priority change re-targets from the start.
- An **escalation ladder** (:mod:`sla.escalation`) lists fractions of a target and the roles to
  notify; ``ladder_status`` says which steps are due at ``now`` and which comes next, each with
  a stable key ``"<clock>:<level>"`` for idempotent delivery.
- A **rotation** (:mod:`sla.rotation`) says who is on call at ``now``.

All datetimes are timezone-aware; naive ones raise ``ValueError``. Bad input raises
``ValueError`` with a message fit for a user.
"""

from sla.calendar import (
    MON_FRI_0900_1730,
    AlwaysOpen,
    BusinessCalendar,
    Calendar,
    WeeklyHours,
    default_calendar,
    require_aware,
)
from sla.clock import (
    AUTHOR_KINDS,
    EVENT_KINDS,
    ClockState,
    Event,
    Pause,
    TicketClocks,
    clocks_due,
    compute_clocks,
)
from sla.durations import CalendarKind, Target, format_duration, format_target, parse_target
from sla.escalation import (
    DEFAULT_LADDER,
    RECIPIENTS,
    DueStep,
    Ladder,
    LadderStatus,
    LadderStep,
    clock_steps,
    ladder_from_data,
    ladder_status,
)
from sla.holidays import HolidayRules
from sla.policy import (
    CLOCK_NAMES,
    DEFAULT_POLICY,
    PRIORITIES,
    TIERS,
    ClockName,
    Policy,
    Priority,
    Targets,
    Tier,
    check_priority,
    check_tier,
    override_policy,
    uniform_policy,
)
from sla.rotation import OnCallOverride, Rotation, parse_handover

__all__ = [
    "AUTHOR_KINDS",
    "CLOCK_NAMES",
    "DEFAULT_LADDER",
    "DEFAULT_POLICY",
    "EVENT_KINDS",
    "MON_FRI_0900_1730",
    "PRIORITIES",
    "RECIPIENTS",
    "TIERS",
    "AlwaysOpen",
    "BusinessCalendar",
    "Calendar",
    "CalendarKind",
    "ClockName",
    "ClockState",
    "DueStep",
    "Event",
    "HolidayRules",
    "Ladder",
    "LadderStatus",
    "LadderStep",
    "OnCallOverride",
    "Pause",
    "Policy",
    "Priority",
    "Rotation",
    "Target",
    "Targets",
    "TicketClocks",
    "Tier",
    "WeeklyHours",
    "check_priority",
    "check_tier",
    "clock_steps",
    "clocks_due",
    "compute_clocks",
    "default_calendar",
    "format_duration",
    "format_target",
    "ladder_from_data",
    "ladder_status",
    "override_policy",
    "parse_handover",
    "parse_target",
    "require_aware",
    "uniform_policy",
]
