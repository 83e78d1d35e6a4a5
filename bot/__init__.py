"""deskbot, the application: conversation, triage, intake, tickets, channels, scheduler, CLI."""

__version__ = "0.1.0"
