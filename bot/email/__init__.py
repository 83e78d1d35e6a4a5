"""E-mail, the third channel: a support mailbox read over IMAP (or posted to the inbound-mail
webhook), answered by the conversation service like Slack and the web, one reply per message;
replies, staff answers and digests sent over SMTP through the outbox. See docs/email.md.

Modules: :mod:`address` (the connection URLs), :mod:`message` (reading inbound mail: threads,
automatic mail, quotes), :mod:`compose` (writing ours), :mod:`smtp`, :mod:`imap`,
:mod:`transport` (the outbox's ``email`` transport), :mod:`channel` (telling a ticket's
customer), :mod:`inbox` (an inbound message, start to finish), :mod:`routes` (the webhook),
:mod:`lifespan` (the mailbox poller in the service).
"""
