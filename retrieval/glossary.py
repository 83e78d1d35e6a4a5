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
    ("push notification", r"notifications?|push(?:es|ed)?", ("推送", "通知")),
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
    ("plan", r"plans?|tiers?|subscriptions?|packages?", ("套餐",)),
    ("free", r"free", ("免费",)),
    ("pricing", r"pric(?:e|es|ing)|cost", ("价格", "收费")),
    ("log", r"logs?(?! ?in)(?! ?out)", ("日志",)),
    ("install", r"install(?:s|ed|ing|ation)?", ("安装",)),
    ("integrate", r"integrat(?:e|es|ed|ing|ion)", ("集成",)),
    ("download", r"download(?:s|ed|ing)?", ("下载",)),
    ("compile", r"compil(?:e|es|ed|ing|ation)|build(?:s|ing)?", ("编译",)),
    ("dependency", r"dependenc(?:y|ies)", ("依赖",)),
    ("database", r"databases?|db", ("数据库",)),
    ("certificate", r"certificates?|ssl|tls|https", ("证书",)),
    ("domain", r"domains?|domain names?", ("域名",)),
    ("memory", r"memory|ram|cpu|hardware|specs?|requirements?", ("内存", "配置")),
    ("concurrency", r"concurren(?:cy|t)|users? at (?:once|the same time)|capacity", ("并发",)),
    ("typing", r"typing(?: indicator)?", ("正在输入",)),
    ("emoji", r"emojis?|reactions?|stickers?", ("表情",)),
    ("mention", r"mention(?:s|ed|ing)?", ("提及",)),
    ("announcement", r"announcements?|notices?", ("公告",)),
    ("pin", r"pin(?:ned|s)?|sticky", ("置顶",)),
    ("draft", r"drafts?", ("草稿",)),
    ("quote", r"quot(?:e|es|ed|ing)|repl(?:y|ies)", ("引用", "回复")),
    ("forward", r"forward(?:s|ed|ing)?", ("转发",)),
    ("merge", r"merg(?:e|es|ed|ing)|combined", ("合并",)),
    ("location", r"locations?|gps", ("位置",)),
    ("custom", r"custom(?:i[sz]ed?)?", ("自定义",)),
    ("signaling", r"signal(?:l)?ing", ("信令",)),
    ("room", r"rooms?", ("房间",)),
    ("meeting", r"meetings?|conferenc(?:e|es|ing)", ("会议",)),
    ("screen share", r"screen[\s-]?shar(?:e|es|ing)", ("屏幕共享",)),
    ("camera", r"cameras?|webcams?", ("摄像头", "相机")),
    ("microphone", r"microphones?|mics?", ("麦克风",)),
    ("speaker", r"speakers?|speakerphone|loudspeakers?", ("扬声器", "外放")),
    ("switch", r"switch(?:es|ed|ing)?", ("切换",)),
    ("echo", r"echo(?:es)?", ("回声",)),
    ("noise", r"noise|noisy", ("噪音", "降噪")),
    ("record", r"record(?:s|ed|ing|ings)?", ("录制",)),
    ("participant", r"participants?|attendees?", ("参会者", "参与者")),
    ("network", r"network(?:s|ing)?", ("网络",)),
    ("bandwidth", r"bandwidth", ("带宽",)),
    ("latency", r"latency|delay(?:ed|s)?|lag(?:gy|s)?", ("延迟", "延时")),
    ("resolution", r"resolutions?", ("分辨率",)),
    ("freeze", r"freez(?:e|es|ing)|frozen|stutter(?:s|ing)?", ("卡顿",)),
    ("black screen", r"black (?:screen|video)", ("黑屏",)),
    ("invite", r"invit(?:e|es|ed|ing|ation)", ("邀请",)),
    ("join", r"join(?:s|ed|ing)?", ("加入",)),
    ("leave", r"leav(?:e|es|ing)|left|quit", ("退出",)),
    ("dismiss", r"dismiss(?:es|ed)?|disband(?:s|ed)?|dissolve[ds]?", ("解散",)),
    ("owner", r"owners?", ("群主",)),
    ("request", r"(?:friend|join) requests?|applications?|apply", ("申请",)),
    ("accept", r"accept(?:s|ed|ing)?|approv(?:e|es|ed|al)", ("同意",)),
    ("reject", r"reject(?:s|ed|ing)?|declin(?:e|es|ed)|refus(?:e|es|ed)", ("拒绝",)),
    ("nickname", r"nicknames?|display names?", ("昵称",)),
    ("avatar", r"avatars?|profile (?:picture|photo)s?", ("头像",)),
    ("profile", r"profiles?|user info(?:rmation)?", ("资料", "用户信息")),
    ("cache", r"cach(?:e|es|ed|ing)", ("缓存",)),
    ("local", r"local(?:ly)?", ("本地",)),
    ("cloud", r"cloud|server[\s-]side", ("云端",)),
    ("migrate", r"migrat(?:e|es|ed|ing|ion)", ("迁移",)),
    ("backup", r"back(?:ed)?[\s-]?ups?", ("备份",)),
    ("restart", r"restart(?:s|ed|ing)?", ("重启",)),
    ("start", r"start(?:s|ed|ing)?|launch(?:es|ed|ing)?|boot", ("启动",)),
    ("stop", r"stop(?:s|ped|ping)?", ("停止",)),
    ("status", r"status|state", ("状态",)),
    ("firewall", r"firewalls?", ("防火墙",)),
    ("source code", r"source(?: code)?", ("源码",)),
    ("load balancing", r"load[\s-]balanc(?:e|er|ing)", ("负载均衡",)),
    ("scale", r"scal(?:e|es|ed|ing)|scale[\s-]out", ("扩容", "扩展")),
    ("object storage", r"object storage|s3|minio|oss", ("对象存储",)),
    ("sensitive words", r"sensitive words?|profanity|content filter(?:ing)?", ("敏感词",)),
    ("moderation", r"moderat(?:e|ion)|review", ("审核",)),
    ("rate limit", r"rate[\s-]?limit(?:s|ed|ing)?|throttl(?:e|ed|ing)", ("限流", "频率")),
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
