"""What is still missing from a report, and one short message asking for all of it.

The message quotes the reporter's own summary and symptom, names each detail the way a
reporter would (never an internal field name), says where to find it on their platform
(:mod:`bot.triage.hints`) and points to the page on collecting logs.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from bot.triage import hints
from bot.triage.models import BugFields, Kind
from bot.triage.signals import FAILURE

KB_COLLECT_LOGS = "knowledge_base/docs/troubleshooting/collect-logs.md"

REQUIRED: dict[str, tuple[str, ...]] = {
    "bug": ("sdk_version", "platform", "os_version", "repro_steps", "actual", "logs"),
    "outage": ("sdk_version", "platform", "impact", "actual"),
}

# Chinese characters, and the full-width 【】： of Chinese vendors' issue templates
_CJK = re.compile(r"[\u4e00-\u9fff\u3010\u3011\uff1a]")
_LATIN_WORD = re.compile(r"[A-Za-z]+")

# The reporter's own word for what goes wrong, to ask about it in their terms.
_SYMPTOM_ZH = re.compile(
    r"闪退|崩溃|黑屏|白屏|花屏|卡死|卡住|卡顿|听不到(?:声音)?|没有声音|没声音|看不到(?:画面)?|"
    r"收不到(?:消息|推送)?|发不出(?:消息)?|登录不上|连不上|进不了房|掉线|断线|回声|杂音|报错|失败"
)
_SYMPTOM_EN = re.compile(
    r"(?i)\b(?:crash(?:es|ed|ing)?|black screen|freez(?:es|ing)|froze|no audio|no sound|"
    r"no video|echo|disconnect(?:s|ed|ing)?|error|exception)\b"
)
_SYMPTOM_EN_NOUN = {
    "black screen": "the black screen",
    "no audio": "the audio drops",
    "no sound": "the audio drops",
    "no video": "the video drops",
    "echo": "the echo starts",
    "error": "the error",
    "exception": "the exception",
}


def language(text: str) -> str:
    """'zh' when the reporter writes Chinese. Only the lines with Chinese in them are
    weighed, so English logs and API names pasted around a Chinese narrative do not make it
    English, while an English sentence quoting a Chinese error ("it shows 发送失败") stays
    English."""
    lines = [line for line in text[:8000].splitlines() if _CJK.search(line)]
    if not lines:
        return "en"
    chinese = "\n".join(lines)
    cjk = len(_CJK.findall(chinese))
    return "zh" if cjk >= 10 or cjk >= len(_LATIN_WORD.findall(chinese)) else "en"


def missing_fields(kind: Kind, fields: BugFields, *, waived: Iterable[str] = ()) -> list[str]:
    """Required fields for ``kind`` that are empty and not waived (e.g. logs refused). A
    caller of the server API has no OS version to give."""
    skip = set(waived)
    if (fields.platform or "").startswith("server API"):
        skip.add("os_version")
    return [
        name for name in REQUIRED.get(kind, ()) if not getattr(fields, name) and name not in skip
    ]


def is_enough(kind: Kind, fields: BugFields) -> bool:
    """Whether an engineer could start: bugs need summary + platform + (version or logs) +
    (steps or actual behaviour); outages need a summary; other kinds need nothing."""
    if kind == "bug":
        return bool(
            fields.summary
            and fields.platform
            and (fields.sdk_version or fields.logs)
            and (fields.repro_steps or fields.actual)
        )
    if kind == "outage":
        return bool(fields.summary)
    return True


def hint(
    field: str,
    *,
    platform: str | None,
    logs_url: str = KB_COLLECT_LOGS,
    max_upload_mb: int = 20,
    lang: str = "en",
    server: bool = False,
) -> str:
    """A concrete hint for one field on ``platform``, in ``lang`` ('en' or 'zh'); ``server``:
    for a report about the vendor's server (:mod:`bot.triage.deployment`)."""
    lang = lang if lang in hints.LABELS else "en"
    if server:
        return _server_hint(field, platform=platform, max_upload_mb=max_upload_mb, lang=lang)
    if field == "sdk_version":
        where = hints.for_platform(hints.SDK_VERSION[lang], platform)
        if lang == "zh":
            return f"具体到小版本，比如 4.2.1；{where}"
        return f"the exact version (e.g. 4.2.1) — see {where}"
    if field == "os_version":
        return hints.for_platform(hints.OS_VERSION[lang], platform) or ""
    if field == "logs":
        how = hints.for_platform(hints.LOGS[lang], platform)
        if lang == "zh":
            lead = f"{how}；" if how else ""
            return (
                f"{lead}获取方法见 {logs_url}。可以直接上传 .log/.txt/.gz/.zip 文件，"
                f"单个不超过 {max_upload_mb} MB，token、密钥等敏感信息会自动脱敏"
            )
        lead = f"{how}; " if how else ""
        return (
            f"{lead}how to collect them: {logs_url} — attach .log/.txt/.gz/.zip up to "
            f"{max_upload_mb} MB (tokens and keys are redacted automatically)"
        )
    return hints.OTHER[lang].get(field) or hints.LABELS[lang].get(field, "")


def _server_hint(field: str, *, platform: str | None, max_upload_mb: int, lang: str) -> str:
    """Where a server's version, host OS and logs are found: the image tag, `cat
    /etc/os-release`, `docker logs`."""
    api = (platform or "").startswith("server API")
    if field == "sdk_version":
        where = hints.for_platform(hints.SERVER_SDK_VERSION[lang], platform, server=True)
        if api:
            return where or ""
        if lang == "zh":
            return f"具体到小版本或镜像 tag，比如 v3.8.0；{where}"
        return f"the exact release or image tag (e.g. v3.8.0) — {where}"
    if field == "os_version":
        return hints.for_platform(hints.SERVER_OS_VERSION[lang], platform, server=True) or ""
    if field == "logs":
        how = hints.for_platform(hints.SERVER_LOGS[lang], platform, server=True)
        if api:
            return how or ""
        if lang == "zh":
            return (
                f"{how}；从启动到报错的那一段就行，可以直接上传 .log/.txt/.gz/.zip 文件，"
                f"单个不超过 {max_upload_mb} MB，token、密钥等敏感信息会自动脱敏"
            )
        return (
            f"{how}; from start-up to the error is enough — attach .log/.txt/.gz/.zip up to "
            f"{max_upload_mb} MB (tokens and keys are redacted automatically)"
        )
    return hints.SERVER_OTHER[lang].get(field) or hint(field, platform=None, lang=lang)


# A clause that only sets the scene: "升级到 4.2.1 之后", "after upgrading the SDK".
_CIRCUMSTANCE = re.compile(
    r"(?:之后|以后|后|时|的时候)$|(?i:^(?:after|when|since|once|if|while)\b)"
)
_GREETING = re.compile(
    r"(?i)^(?:hi|hello|hey|dear \w+|你好|您好|哈喽|hello 大家好)[\s,，!！。:：]+"
)


def _quoted(text: str | None, limit: int) -> str | None:
    """The reporter's summary, cut at a clause, when it is short enough to quote back."""
    if not text:
        return None
    text = _GREETING.sub("", text.strip())
    # "跨网视频首次黑屏. 复现步骤：…": a Chinese sentence after ". " starts a new one too
    first = re.split(r"(?<=[。！？!?])|(?<=\.)\s+(?=[A-Z\u4e00-\u9fff])|\n", text)[0]
    first = first.strip(" 。，,.!！?？")
    if len(first) > limit:
        # Quote the clause that says what goes wrong, not "after upgrading to 4.2.1".
        clauses = [c.strip() for c in re.split(r"[，,；;]", first) if c.strip()]
        telling = [c for c in clauses if _SYMPTOM_ZH.search(c) or _SYMPTOM_EN.search(c)]
        telling = telling or [c for c in clauses if FAILURE.search(c)]
        plain = [c for c in clauses if not _CIRCUMSTANCE.search(c)]
        first = (telling or plain or clauses or [""])[0]
    return first if 2 <= len(first) <= limit else None


def _symptom(fields: BugFields, lang: str) -> str | None:
    """The reporter's word for the failure ("闪退", "the crash"), from what they wrote."""
    for text in (fields.summary, fields.actual):
        if not text:
            continue
        if lang == "zh":
            match = _SYMPTOM_ZH.search(text)
            if match:
                return match.group(0)
            continue
        found = _SYMPTOM_EN.search(text)
        if found:
            word = found.group(0).lower()
            if word.startswith("crash"):
                return "it crashes"
            if word.startswith(("freez", "froze")):
                return "it freezes"
            if word.startswith("disconnect"):
                return "it disconnects"
            return _SYMPTOM_EN_NOUN.get(word)
    return None


def _ask(
    field: str,
    *,
    fields: BugFields,
    lang: str,
    logs_url: str,
    max_upload_mb: int,
    server: bool = False,
) -> str:
    """One line of the message: the detail in the reporter's terms, then where to find it."""
    label = hints.LABELS[lang].get(field, field)
    api = server and (fields.platform or "").startswith("server API")
    if server:
        label = hints.SERVER_LABELS[f"{lang}-api" if api else lang].get(
            field, hints.SERVER_LABELS[lang].get(field, label)
        )
    if field == "repro_steps" and api:
        if lang == "zh":
            return f"{label}：调用的是哪个接口（方法和路径），每次都失败还是偶尔失败"
        return f"{label}: the method and path you call, and whether every call fails or only some"
    if field == "repro_steps" and server:
        if lang == "zh":
            return (
                f"{label}：执行了哪些命令、改了哪些配置（docker-compose.yml、.env、Helm values），"
                "按 1、2、3 写一下"
            )
        return (
            f"{label}: the commands you ran and the config you changed (docker-compose.yml, "
            ".env, Helm values), as 1., 2., 3."
        )
    if field == "repro_steps":
        symptom = _symptom(fields, lang)
        if lang == "zh":
            before = f"出现{symptom}之前" if symptom else "问题出现之前"
            return f"{label}：{before}做了哪些操作，按 1、2、3 写一下；有能复现的最小代码更好"
        lead = f"what you do right before {symptom}" if symptom else "the steps that trigger it"
        return f"{label}: {lead} (1., 2., 3.) or a minimal code snippet"
    text = hint(
        field, platform=fields.platform, logs_url=logs_url, max_upload_mb=max_upload_mb,
        lang=lang, server=server,
    )  # fmt: skip
    return f"{label}：{text}" if lang == "zh" else f"{label}: {text}"


def follow_up_message(
    missing: list[str],
    *,
    fields: BugFields,
    lang: str = "en",
    logs_url: str = KB_COLLECT_LOGS,
    max_upload_mb: int = 20,
    kind: Kind | None = None,
    server: bool = False,
) -> str | None:
    """One short message asking for every missing detail at once, or ``None``.

    ``kind="outage"`` says the report is already being handled as urgent; ``server`` asks
    about the vendor's server (image tag, host, server logs) instead of an app.
    """
    if not missing:
        return None
    lang = lang if lang in hints.LABELS else "en"
    known = [name for name in missing if name in hints.LABELS[lang]]
    lines = [
        f"{number}. "
        + _ask(
            name,
            fields=fields,
            lang=lang,
            logs_url=logs_url,
            max_upload_mb=max_upload_mb,
            server=server,
        )
        for number, name in enumerate(known, 1)
    ]
    if not lines:
        return None
    if lang == "zh":
        quoted = _quoted(fields.summary, 30)
        about = f"您反馈的“{quoted}”" if quoted else "这个问题"
        if kind == "outage":
            head = f"收到，{about}我们已经按线上紧急故障在处理。为了加快排查，麻烦再补充一下："
        else:
            head = f"您好，关于{about}，为了尽快帮您定位，麻烦补充以下信息（一条消息回复即可）："
        tail = (
            "手上有哪些先发哪些，不用等信息齐全。"
            if kind == "outage"
            else "哪一项暂时拿不到也没关系，直接告诉我就行（比如“没有日志”），"
            "我先帮您把工单提上去。"
        )
    else:
        quoted = _quoted(fields.summary, 80)
        about = f"“{quoted}”" if quoted else "this"
        if kind == "outage":
            head = (
                f"I've flagged {about} as a production outage. To speed up the investigation, "
                "please also send:"
            )
        else:
            head = f"To get {about} to an engineer, please send these in one reply:"
        tail = (
            "Send what you have now; there is no need to wait for all of it."
            if kind == "outage"
            else "If you can't get something, just say so (e.g. \"no logs\") and I'll open the "
            "ticket anyway."
        )
    return "\n".join([head, *lines, tail])
