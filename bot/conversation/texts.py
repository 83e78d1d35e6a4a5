"""What the bot says, in English and Chinese, and how it shows a ticket.

Every reply of a conversation is in the user's language; field names are never shown, only
the words a developer would use ("OS version", "steps to reproduce").
"""

from __future__ import annotations

import datetime as dt
import re

from bot.conversation.field_words import field_words
from bot.conversation.types import TicketSummary
from bot.dates import due_text

__all__ = ["field_words", "language", "local_time", "say", "stage_words", "ticket_lines"]

# Chinese characters, and the full-width 【】： of Chinese vendors' issue templates
# ("【iOS】-【13.1.1】：【Crash】" is a Chinese report with nothing but names in it)
_CJK = re.compile(r"[\u4e00-\u9fff\u3010\u3011\uff1a]")
_LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
# someone writing to us in English says "I", "we", "my", "please": a pasted message does not
_SPEAKER = re.compile(
    r"(?i)\b(?:i|i'm|i've|i'd|we|we're|we've|my|our|us|me|please|thanks|thank you|hi|hello)\b"
)
_ENGLISH_SENTENCE = re.compile(
    r"(?i)\b(?:the|is|are|was|were|when|what|how|why|it|we|our|you|to|of|and|in|on|with|for|"
    r"this|that|after|not|can|does|do|have|has|please|thanks)\b"
)

TEXTS: dict[str, dict[str, str]] = {
    "empty": {
        "en": "I didn't get any text. Ask me a question about the SDK, or describe the problem "
        "you are seeing (what happened, platform, SDK version).",
        "zh": "没有收到内容。请直接提问，或描述遇到的问题（现象、平台、SDK 版本）。",
    },
    "too_long": {
        "en": "Your message was very long, so I kept the whole text as an attachment and read "
        "the first part.",
        "zh": "消息太长，完整内容已保存为附件，我先阅读了开头部分。",
    },
    "handoff": {
        "en": "I couldn't find this in the documentation, so I won't guess. "
        "A person from our support team can help — use *Talk to a human* or *Open a ticket*.",
        "zh": "文档中没有找到可靠的答案，我不想猜测。"
        "可以点击「联系人工」或「提交工单」，由支持团队处理。",
    },
    "error": {
        "en": "Sorry — something went wrong on my side while working on this ({what}). "
        "Your message is saved. A person can take it from here: use *Talk to a human*.",
        "zh": "抱歉，我这边处理时出错了（{what}）。"
        "您的消息已保存，可以点击「联系人工」由工程师处理。",
    },
    "error_unsaved": {
        "en": "Sorry — something went wrong on my side ({what}) and I could not save your "
        "message. Please send it again in a minute, or use *Talk to a human*.",
        "zh": "抱歉，我这边出错了（{what}），您的消息没能保存。"
        "请稍后重新发送，或点击「联系人工」。",
    },
    "solved": {
        "en": "Glad that helped! Ask again any time.",
        "zh": "很高兴帮到您！有问题随时再问。",
    },
    "solved_ticket": {
        "en": "Glad it works now! I've noted on {key} that it is solved, so the engineer can "
        "close it.",
        "zh": "太好了！已在工单 {key} 中注明问题已解决，工程师确认后会关闭工单。",
    },
    "solved_known": {
        "en": "Good — then the workaround above should get you going. If it doesn't, press "
        "*Open a ticket* and I'll file your report for an engineer.",
        "zh": "好的，按上面的临时方案处理应该可以解决。"
        "如果仍有问题，点击「提交工单」，我会把您的报告提交给工程师。",
    },
    "thanks": {
        "en": "You're welcome! Anything else, just ask.",
        "zh": "不客气！还有其他问题随时问我。",
    },
    "greet": {
        "en": "Hi! Ask me anything about the SDK, or describe a problem you're seeing "
        "(what happens, platform, SDK version) and I'll get it to an engineer.",
        "zh": "您好！可以直接咨询 SDK 的用法，"
        "或描述遇到的问题（现象、平台、SDK 版本），我会转给工程师处理。",
    },
    "say_more": {
        "en": "Sure — what is it? Ask your question, or tell me what goes wrong (what you see, "
        "platform, SDK version) and I'll get it to an engineer.",
        "zh": "好的，具体是什么情况呢？可以直接问 SDK 用法，"
        "或描述一下遇到的问题（现象、平台、SDK 版本），我来帮您处理。",
    },
    "start_over": {
        "en": "Sure — let's start fresh. What's the new question or problem?",
        "zh": "好的，我们重新开始。请说说新的问题。",
    },
    "start_over_ticket": {
        "en": "Sure — let's start fresh. {key} stays open with our engineers (ask for "
        '"status" any time). What\'s the new question or problem?',
        "zh": "好的，我们重新开始。工单 {key} 仍由工程师跟进（随时发送“进度”查看）。"
        "请说说新的问题。",
    },
    "new_problem": {
        "en": "That sounds like a different problem from {key}, so I'll take it as a new "
        "report (a second ticket). {key} stays as it is.",
        "zh": "这看起来和工单 {key} 是不同的问题，我会单独记录（另开一个工单），{key} 保持不变。",
    },
    "ticket_opened": {
        "en": "I've opened a ticket for you.",
        "zh": "已为您创建工单。",
    },
    "ticket_opened_more": {
        "en": "If you can, send {fields} here — I'll add them to the ticket.",
        "zh": "如方便，请在这里补充{fields}，我会添加到工单中。",
    },
    "keep_chatting": {
        "en": 'You can keep asking me questions here; say "status" any time to see where the '
        "ticket stands.",
        "zh": "您可以继续在这里提问；随时发送“进度”即可查看工单状态。",
    },
    "ticket_added": {
        "en": "Thanks — I've added this to {key}.",
        "zh": "谢谢，已补充到工单 {key}。",
    },
    "ticket_without": {
        "en": "No problem — the ticket goes ahead without {fields}; if the engineer needs them, "
        "they will ask here.",
        "zh": "没关系，工单会先按现有信息处理；如果工程师需要{fields}，会在这里联系您。",
    },
    "ticket_added_fields": {
        "en": "Thanks — I've added this to {key} ({fields}).",
        "zh": "谢谢，已补充到工单 {key}（{fields}）。",
    },
    "already_open": {
        "en": "Your ticket is already open.",
        "zh": "您的工单已经创建。",
    },
    "human_ticket": {
        "en": "A person from our support team will pick this up.",
        "zh": "支持团队的工程师会跟进处理。",
    },
    "human_followed": {
        "en": "{key} is with our support team already; I've noted that you'd like a person to "
        "reply.",
        "zh": "工单 {key} 已在支持团队处理中，我已备注您希望由工程师回复。",
    },
    "sign_in": {
        "en": "I can put you through to our support team. So that I can open a ticket on your "
        "company's account, please *sign in* with your account key.",
        "zh": "我可以为您转接支持团队。请先使用公司的账户密钥「登录」，以便在您的账户下创建工单。",
    },
    "sign_in_status": {
        "en": "To look up your tickets I need to know which company you are with: please "
        "*sign in* with your account key.",
        "zh": "查看工单需要先确认您的公司：请使用账户密钥「登录」。",
    },
    "person_what": {
        "en": "Sure — a person from our team will take it. What do you need help with? Tell me "
        "in a sentence or two (and the platform and SDK version if it is a problem), so it "
        "reaches the right person.",
        "zh": "好的，会有工作人员跟进。请简单说明需要什么帮助"
        "（如果是问题，也请说明平台和 SDK 版本），以便转给合适的同事。",
    },
    "sign_in_or_contact": {
        "en": "I can put you through to our support team. *Sign in* with your company's account "
        "key so I can open a ticket on your account — or, if you don't have one, use the "
        "*contact form* (name, e-mail, company) and we'll reply by e-mail.",
        "zh": "我可以为您转接支持团队。请使用公司的账户密钥「登录」，以便在您的账户下创建工单；"
        "如果没有账户，也可以填写「联系表单」（姓名、邮箱、公司），我们会通过邮件回复您。",
    },
    "need_account": {
        "en": "I can't tell which company you are with here, so I can't open a ticket. Please "
        "write in your company's support channel (or sign in on the web chat), and I'll take "
        "it from there.",
        "zh": "在这里我无法确认您所在的公司，因此不能创建工单。"
        "请在贵公司的支持频道中留言（或在网页聊天中登录），我会继续处理。",
    },
    "report_ready_anonymous": {
        "en": "I have what an engineer needs for this report.",
        "zh": "这份问题报告的信息已经足够提交给工程师。",
    },
    "status_unknown": {
        "en": "I couldn't find ticket {ref} for your account. Check the number, or ask me "
        '"status" to list your open tickets.',
        "zh": "在您的账号下没有找到工单 {ref}。请检查编号，或发送“进度”查看您所有未关闭的工单。",
    },
    "status_none": {
        "en": "You have no open tickets.",
        "zh": "您目前没有未关闭的工单。",
    },
    "status_list": {
        "en": "Your open tickets:",
        "zh": "您未关闭的工单：",
    },
    "status_reporting": {
        "en": "Your report is not a ticket yet: I still need {fields}. Send what you have, or "
        "press *Go ahead* to file it as it is.",
        "zh": "您的问题还没有提交成工单，还差{fields}。"
        "有哪些先发哪些，或点击「继续提交」直接提交。",
    },
    "status_others": {
        # the account's, not only this person's: colleagues' tickets are listed too
        "en": "Your account also has {n} other open ticket(s): {keys}.",
        "zh": "您的账户下还有 {n} 个其他未关闭的工单：{keys}。",
    },
    "feature": {
        "en": "Thanks — I've recorded this as a feature request ({key}). The product team reviews "
        "requests weekly; you'll see its stage on the ticket.",
        "zh": "谢谢！已记录为功能需求（{key}），产品团队每周评审，可在工单中查看进度。",
    },
    "commercial": {
        "en": "I've passed this to your account team{csm} as request {key} — it does not go to "
        "the engineering queue.",
        "zh": "已将您的需求转交给您的客户经理{csm}（请求 {key}），不会进入技术支持队列。",
    },
    "known_issue": {
        "en": "This may be a known issue:\n\n> {item}\n\n— *{where}* [1]\n\nIf that's what you "
        "see, the workaround there should help. If it isn't, say so (or press *Not my problem*) "
        "and I'll carry on with your report.",
        "zh": "这可能是一个已知问题：\n\n> {item}\n\n—— *{where}* [1]\n\n"
        "如果与您遇到的情况一致，可以先按其中的临时方案处理；如果不是，请告诉我（或点击「不是这个问题」），我会继续记录您的问题。",
    },
    "known_fixed": {
        "en": "This looks like a problem fixed in version {version}:\n\n> {item}\n\n— *{where}* "
        "[1]\n\nUpgrading should solve it. If you are already on {version} or later, or it "
        "isn't this, say so and I'll carry on with your report.",
        "zh": "这看起来是 {version} 版本已修复的问题：\n\n> {item}\n\n—— *{where}* [1]\n\n"
        "升级到该版本即可解决。如果您已经在使用 {version} 或更高版本，或者不是这个问题，"
        "请告诉我，我会继续记录您的问题。",
    },
    "known_meanwhile": {
        "en": "Meanwhile, this known issue may be related:\n\n> {item}\n\n— *{where}* [1]",
        "zh": "另外，这个已知问题可能与之相关：\n\n> {item}\n\n—— *{where}* [1]",
    },
    "known_then_missing": {
        "en": "For the report I'd still need: {fields}.",
        "zh": "如需提交报告，还需要：{fields}。",
    },
    "report_waits": {
        "en": "(Your bug report is still here — send the details when you have them, or press "
        "*Go ahead* to file it as it is.)",
        "zh": "（您的问题报告还在记录中：准备好后补充信息即可，或点击「继续提交」直接提交。）",
    },
    "contact_opened": {
        "en": "Thanks, {name} — we've received your request as {key} and will reply to {email}.",
        "zh": "谢谢，{name}！我们已收到您的请求（{key}），会通过 {email} 回复您。",
    },
}

PRIORITY_WORDS = {
    "en": {"P1": "critical", "P2": "high", "P3": "normal", "P4": "low"},
    "zh": {"P1": "紧急", "P2": "高", "P3": "普通", "P4": "低"},
}
STAGE_WORDS = {
    "en": {"waiting_on_customer": "waiting for your reply"},
    "zh": {
        "new": "新建",
        "investigating": "处理中",
        "in_progress": "处理中",
        "waiting": "等待您的回复",
        "waiting_on_customer": "等待您的回复",
        "resolved": "已解决",
        "reopened": "已重新打开",
        "submitted": "已提交",
        "in review": "评审中",
        "quote/contract": "报价/合同",
        "done": "已完成",
        "open": "处理中",
    },
}
UPGRADE_STAGES = ("submitted", "in review", "quote/contract", "done")


def language(text: str, *, default: str = "en") -> str:
    """'zh' when the text is written in Chinese (code and log lines in English aside).

    ``default`` is the conversation's language so far: in a Chinese conversation a message of
    versions and names ("Chat SDK 4.2.3, iOS 18.1") stays Chinese; only real English
    sentences switch it."""
    cjk = len(_CJK.findall(text))
    if (cjk >= 2 and cjk * 2 >= len(_LATIN_WORD.findall(text))) or cjk >= 12:
        return "zh"
    if default == "zh" and (len(_ENGLISH_SENTENCE.findall(text)) < 3 or not _SPEAKER.search(text)):
        # a pasted English error message or build log ("this is an error thrown by …",
        # "Warning: Mapping new ns …") is not the user switching to English
        return "zh"
    return "en" if _LATIN_WORD.search(text) else default


def say(message: str, lang: str = "en", /, **values: object) -> str:
    table = TEXTS[message]
    return table.get(lang, table["en"]).format(**values)


def local_time(at: dt.datetime, timezone: str, lang: str = "en") -> str:
    """A time as the pages and the chat card show it, in the customer's own zone:
    'Tue 08 Dec, 15:30 CST' / '12月8日 周二 15:30 CST'."""
    return due_text(at, timezone, lang, now=at)


def stage_words(stage: str, lang: str) -> str:
    return STAGE_WORDS.get(lang, {}).get(stage, stage.replace("_", " "))


def ticket_lines(
    ticket: TicketSummary, lang: str = "en", *, head: bool = True, missing: bool = True
) -> str:
    """The ticket as the customer sees it: key and subject, priority, stage, who has it, due
    times and what would still help, in Markdown."""
    zh = lang == "zh"
    lines = [f"**{ticket.key}** — {ticket.subject}"] if head else []
    level = PRIORITY_WORDS["zh" if zh else "en"].get(ticket.priority, "")
    stage = stage_words(
        ticket.status if ticket.status == "waiting_on_customer" else ticket.stage, lang
    )
    if zh:
        lines.append(f"优先级 {ticket.priority}（{level}） · 阶段：{stage}")
    else:
        reason = ticket.priority_reason.removeprefix(f"{ticket.priority}: ")
        why = f": {reason}" if reason else ""
        lines.append(f"Priority {ticket.priority} ({level}){why} · stage: {stage}")
    if ticket.assignee_name:
        lines.append(f"负责人：{ticket.assignee_name}" if zh else f"With {ticket.assignee_name}.")
    if ticket.first_response_due is not None:
        when = local_time(ticket.first_response_due, ticket.timezone, lang)
        who = "客户经理" if ticket.kind in ("upgrade", "commercial") else "工程师"
        if zh:
            lines.append(f"{who}将在 {when} 前回复。")
        else:
            who_en = (
                "Your account team" if ticket.kind in ("upgrade", "commercial") else "An engineer"
            )
            lines.append(f"{who_en} will reply by {when}.")
    elif ticket.responded_at is not None:
        when = local_time(ticket.responded_at, ticket.timezone, lang)
        lines.append(f"已于 {when} 回复。" if zh else f"First replied {when}.")
    if ticket.resolution_due is not None:
        when = local_time(ticket.resolution_due, ticket.timezone, lang)
        lines.append(f"解决目标：{when}。" if zh else f"Resolution target: {when}.")
    if ticket.kind in ("upgrade", "commercial"):
        stages = [stage_words(s, lang) for s in UPGRADE_STAGES]
        current = stage_words(ticket.stage, lang)
        path = " → ".join(f"**{s}**" if s == current else s for s in stages)
        lines.append(f"进度：{path}" if zh else f"Stages: {path}")
    if missing and ticket.missing and ticket.is_open:
        useful = field_words(ticket.missing, lang)
        lines.append(
            f"如方便，还可以补充：{useful}。" if zh else f"Still useful if you have it: {useful}."
        )
    return "\n".join(lines)
