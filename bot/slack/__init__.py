"""The Slack app: answers in threads, bug intake, engineers' buttons, escalation pings, App Home.

Built with slack-bolt and mounted on the FastAPI service at ``POST /slack/events``
(:mod:`bot.slack.routes`); the bolt ``App`` is built in :mod:`bot.slack.lifespan` when
``SLACK_BOT_TOKEN`` and ``SLACK_SIGNING_SECRET`` are set. Handlers are thin: Slack input becomes
a :class:`bot.conversation.types.Inbound` for the conversation service, or a call on the
ticket desk; results are rendered as Block Kit (:mod:`bot.slack.blocks`,
:mod:`bot.slack.cards`). Escalation pings and new-ticket posts go out through the outbox with
:class:`bot.slack.notifier.SlackNotifier` (transport ``"slack"``).
"""
