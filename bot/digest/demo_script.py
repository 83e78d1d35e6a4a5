"""What the demo organisation's customers write about: ticket and question templates."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class TicketTemplate:
    kind: str
    priority: str
    subject: str
    body: str
    fields: dict[str, Any] = field(default_factory=dict)
    weight: int = 1


TICKETS = (
    TicketTemplate(
        "outage",
        "P1",
        "Production: users cannot log in to chat (NR-1003 token rejected)",
        "Since 14:05 all logins on production fail with NR-1003. About 80% of users affected, "
        "no workaround.",
        {"sdk": "chat-android", "sdk_version": "5.4.1", "impact": "most users"},
        1,
    ),
    TicketTemplate(
        "bug",
        "P2",
        "Android client crashes when leaving a room",
        "Steps: join room, enable camera, leave. App crashes with SIGSEGV in libnimbus_rtc.so.",
        {"sdk": "rtc-android", "sdk_version": "4.2.0", "platform": "Android 14"},
        3,
    ),
    TicketTemplate(
        "bug",
        "P2",
        "iOS: no audio after switching to Bluetooth headset",
        "After connecting AirPods mid-call the remote audio stops. Regression since 4.1.",
        {"sdk": "rtc-ios", "sdk_version": "4.1.2", "platform": "iOS 18"},
        2,
    ),
    TicketTemplate(
        "bug",
        "P3",
        "Message history returns duplicates after reconnect",
        "fetchHistory returns the last 20 messages twice after a network switch. "
        "We de-duplicate on our side for now.",
        {"sdk": "chat-web", "sdk_version": "3.8.0"},
        3,
    ),
    TicketTemplate(
        "bug",
        "P3",
        "Web SDK: screen share stops after 60 minutes",
        "Screen sharing ends silently after about an hour in Chrome 131.",
        {"sdk": "rtc-web", "sdk_version": "2.9.4", "platform": "Chrome 131"},
        2,
    ),
    TicketTemplate(
        "question",
        "P4",
        "How do we rotate tokens without dropping connections?",
        "We want to renew user tokens every hour; what is the recommended flow?",
        {},
        3,
    ),
    TicketTemplate(
        "question",
        "P4",
        "Recommended simulcast layers for 1080p",
        "Which simulcast configuration do you recommend for 1080p publishers?",
        {},
        2,
    ),
    TicketTemplate(
        "feature",
        "P4",
        "Feature request: message reactions in the Flutter SDK",
        "Reactions exist on Android and iOS but not in Flutter.",
        {},
        1,
    ),
    TicketTemplate(
        "upgrade",
        "P3",
        "Upgrade request: Pro plan with 24x7 support",
        "We launch next month and need the Pro plan with chat support.",
        {},
        1,
    ),
    TicketTemplate(
        "status",
        "P4",
        "Status of our crash report from last week?",
        "Any news on the Android crash we reported?",
        {},
        1,
    ),
)

UPGRADE_STAGES = ("requested", "reviewing", "quote sent", "contract")

ANSWERED = (
    "How do I enable push notifications on iOS?",
    "What is the maximum message size?",
    "How do I mute a remote audio track?",
    "Which Android versions does the RTC SDK support?",
    "How do I get an SDK log file?",
    "What does error NC-2001 mean?",
    "How many users can join one room?",
    "How do I send a custom message type?",
)

UNANSWERED = (
    "Does the SDK support WebTransport?",
    "Is there a Unity SDK?",
    "Can we self-host the signalling server?",
    "Do you support end-to-end encryption for group calls?",
    "支持鸿蒙系统吗？",
)

CUSTOMERS = ("alex", "mei", "jordan", "li.wei", "sam", "priya", "tom", "zhang.min")

AGENT_REPLIES = (
    "Thanks for the report. Could you send the SDK log from the affected device?",
    "We reproduced it and are working on a fix.",
    "A fix is in the next patch release; a workaround is described in the ticket.",
)
CUSTOMER_FOLLOW_UPS = (
    "Log attached. It happens on every Pixel 8 we tried.",
    "Any update? Our release is blocked on this.",
    "Still happening with the latest build.",
)
