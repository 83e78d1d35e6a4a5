"""The rating request asked in a resolved ticket's thread, and the thanks for a rating
(:mod:`bot.slack.csat` takes the click)."""

from __future__ import annotations

from bot.slack.blocks import Block
from bot.store.csat import SCORES

ACTION_ID = "deskbot_csat"
FACES = {1: "😞", 2: "🙁", 3: "😐", 4: "🙂", 5: "😄"}
_ASK = {
    "en": "*{key}* is resolved. How did we do? Your rating goes straight to the support team.",
    "zh": "*{key}* 已解决。您对这次支持满意吗？您的评分会直接反馈给支持团队。",
}
_THANKS = {
    "en": "Thanks — you rated *{key}* {score}/5 {face}. Reply here any time if it comes back.",
    "zh": "谢谢！您给 *{key}* 的评分是 {score}/5 {face}。如果问题再次出现，直接在这里回复即可。",
}


def request_blocks(key: str, lang: str) -> tuple[str, list[Block]]:
    """The rating request: a line and five buttons (value ``KEY:score``)."""
    text = _ASK.get(lang, _ASK["en"]).format(key=key)
    buttons = [
        {
            "type": "button",
            "text": {"type": "plain_text", "text": f"{FACES[n]} {n}", "emoji": True},
            "action_id": f"{ACTION_ID}_{n}",
            "value": f"{key}:{n}",
        }
        for n in SCORES
    ]
    return text.replace("*", ""), [
        {"type": "section", "text": {"type": "mrkdwn", "text": text}},
        {"type": "actions", "block_id": f"deskbot_csat:{key}", "elements": buttons},
    ]


def thanks_text(key: str, score: int, lang: str) -> str:
    return _THANKS.get(lang, _THANKS["en"]).format(key=key, score=score, face=FACES[score])
