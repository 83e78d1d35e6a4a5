"""A small English–Chinese glossary of messaging and real-time SDK words, so that a question in
one language still finds words in docs written in the other (BM25 only: the default embedder
reads English alone). It bridges only when the question and the corpus differ in language:
within one language the glossary would just add noise."""

from __future__ import annotations

import re

# (the English word, its forms as a pattern, the Chinese words docs use for it). General
# IM/RTC vocabulary, not any one vendor's: what a developer asks about in either language.
_ENTRIES: list[tuple[str, str, tuple[str, ...]]] = [
    ("login", r"log(?:ged|ging|s)?[\s-]?(?:in|on)|login|sign(?:ed|ing|s)?[\s-]?in", ("登录",)),
    (
        "logout",
        r"log(?:ged|ging|s)?[\s-]?out|logout|sign(?:ed|ing|s)?[\s-]?out",
        ("登出", "退出登录"),
    ),
    ("kick", r"kick(?:ed|s)?(?: \w+)? (?:out|off)|forced? (?:offline|logout)", ("踢下线", "互踢")),
    (
        "multi-device",
        r"(?:several|multiple|many|two|other|different)(?: \w+)? "
        r"(?:devices?|phones?|tabs?|terminals?)"
        r"|multi[\s-]?(?:device|platform|terminal|login)",
        ("多端", "多平台", "同时在线"),
    ),
    ("simultaneous", r"at (?:the same time|once)|simultaneous(?:ly)?|concurrent(?:ly)?", ("同时",)),
    ("online", r"online", ("在线",)),
    ("offline", r"offline", ("离线",)),
    ("platform", r"platforms?", ("平台",)),
    ("device", r"devices?|phones?|terminals?", ("设备", "终端")),
    ("browser", r"browsers?|tabs?", ("浏览器", "Web")),
    ("message", r"messages?|messaging", ("消息",)),
    ("history", r"history|historical", ("历史消息", "历史")),
    ("conversation", r"conversations?|chats?", ("会话",)),
    ("group", r"groups?", ("群组", "群")),
    ("member", r"members?", ("成员",)),
    ("friend", r"friends?", ("好友",)),
    ("blocklist", r"block(?:ed|ing|list)?|blacklist", ("黑名单",)),
    ("mute", r"mute[ds]?|do not disturb|dnd|silence[ds]?", ("免打扰", "禁言")),
    ("notification", r"notifications?|push(?:es|ed)?", ("推送", "通知")),
    ("unread", r"unread", ("未读",)),
    ("read receipt", r"read receipts?", ("已读回执", "已读")),
    ("recall", r"recall(?:ed|s)?|revoke[ds]?|unsend", ("撤回",)),
    ("delete", r"delete[ds]?|remove[ds]?", ("删除",)),
    ("send", r"send(?:s|ing)?|sent", ("发送",)),
    ("receive", r"receiv(?:e|es|ed|ing)", ("接收",)),
    ("sync", r"sync(?:ed|ing|hroni[sz]e[ds]?)?", ("同步",)),
    ("roaming", r"roam(?:ing)?", ("漫游",)),
    ("user", r"users?", ("用户",)),
    ("account", r"accounts?", ("账号",)),
    ("password", r"passwords?", ("密码",)),
    ("token", r"tokens?", ("token", "令牌")),
    ("expire", r"expir(?:e|es|ed|y|ation)", ("过期",)),
    ("callback", r"callbacks?|webhooks?", ("回调",)),
    ("listener", r"listeners?", ("监听", "监听器")),
    ("initialize", r"initiali[sz](?:e|es|ed|ation)|init", ("初始化",)),
    ("connection", r"connect(?:ion|ions|ed|ing|s)?", ("连接",)),
    ("reconnect", r"reconnect(?:ion|ed|ing|s)?", ("重连",)),
    ("disconnect", r"disconnect(?:ion|ed|ing|s)?", ("断开", "断线")),
    ("heartbeat", r"heartbeats?", ("心跳",)),
    ("timeout", r"timeouts?|timed out", ("超时",)),
    ("error", r"errors?|fail(?:s|ed|ure|ing)?", ("错误", "失败")),
    ("error code", r"error codes?", ("错误码",)),
    ("deploy", r"deploy(?:ed|ing|ment|s)?", ("部署",)),
    ("server", r"servers?", ("服务器", "服务端")),
    ("cluster", r"clusters?", ("集群",)),
    ("standalone", r"single (?:machine|server|node)|standalone", ("单机",)),
    ("upgrade", r"upgrad(?:e|es|ed|ing)|updat(?:e|es|ed|ing)", ("升级", "更新")),
    ("version", r"versions?|release notes?|changelog", ("版本",)),
    ("configuration", r"configur(?:e|es|ed|ation)|config|settings?", ("配置",)),
    ("port", r"ports?", ("端口",)),
    ("image", r"images?|pictures?|photos?", ("图片",)),
    ("video", r"videos?", ("视频",)),
    ("audio", r"voice|audio", ("语音", "音频")),
    ("file", r"files?|attachments?", ("文件",)),
    ("call", r"calls?|calling", ("通话", "音视频通话")),
    ("storage", r"storage|stor(?:e|ed|ing)", ("存储",)),
    ("limit", r"limits?|maximum|max", ("限制", "上限")),
    ("performance", r"performance|load test(?:ing)?|benchmark", ("性能", "压测")),
    ("encryption", r"encrypt(?:ion|ed)?", ("加密",)),
    ("search", r"search(?:es|ed|ing)?", ("搜索",)),
    ("permission", r"permissions?", ("权限",)),
    ("admin", r"admin(?:istrator)?s?", ("管理员",)),
    ("open source", r"open[\s-]?source", ("开源",)),
    ("free", r"free", ("免费",)),
    ("pricing", r"pric(?:e|es|ing)|cost", ("价格", "收费")),
    ("log", r"logs?(?! ?in)(?! ?out)", ("日志",)),
]

_PATTERNS = [(re.compile(rf"\b(?:{p})\b", re.I), zh) for _, p, zh in _ENTRIES]
_REVERSE: dict[str, str] = {}
for _english, _, _chinese in _ENTRIES:
    for _word in _chinese:
        _REVERSE.setdefault(_word, _english)


def to_chinese(question: str) -> list[str]:
    """Chinese words for the English ones in ``question``, in order, each once."""
    words: list[str] = []
    for pattern, chinese in _PATTERNS:
        if pattern.search(question):
            words.extend(w for w in chinese if w not in words)
    return words


def to_english(question: str) -> list[str]:
    """English words for the Chinese ones in ``question``, each once."""
    return list(dict.fromkeys(en for zh, en in _REVERSE.items() if zh in question))
