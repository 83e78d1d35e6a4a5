"""Bug-report fields from free text, template sections and attachments (no model needed)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.triage import signals as s
from bot.triage.deployment import server_platform, server_side
from bot.triage.environment import device_of, os_version_of, platforms
from bot.triage.lexicon import spaced
from bot.triage.logs import error_codes, error_lines, log_lines
from bot.triage.models import BugFields
from bot.triage.sections import (
    Labelled,
    Section,
    is_empty_value,
    label_matching,
    labelled_lines,
    placeholder_marks,
    section_matching,
    sections,
    strip_placeholders,
)
from bot.triage.sections import clipped as _short
from bot.triage.sections import word_count as _words
from bot.triage.versions import (
    SdkVersion,
    bracketed_version,
    plausible_os_version,
    sdk_versions,
)

_REPRO_HEAD = re.compile(
    r"(?i)reproduc|\brepro\b|\bsteps\b|what did you do|how to trigger|"
    r"(?:复现|重现)(?!概率|率)|步骤|操作"
)
_EXPECTED_HEAD = re.compile(r"(?i)expect|should happen|期望|预期")
_ACTUAL_HEAD = re.compile(
    r"(?i)\bactual|what happened|instead|current behaviou?r|observed|实际|当前现象|现象|问题描述"
)
# a template with both "实际结果" and "问题描述" states the actual behaviour in the former
_ACTUAL_STRONG_HEAD = re.compile(r"(?i)\bactual|what happened|instead|observed|实际")
_SDK_HEAD = re.compile(r"(?i)集成包|\bsdk\b(?!.*version)|\bpackage\b|\blibrary\b")
_IMPACT_HEAD = re.compile(r"(?i)impact|affected|how many|影响")
_NOT_REPRO = re.compile(
    r"(?i)\b(?:at random|randomly|random|cannot reproduce|can't reproduce|not reproducible|"
    r"unable to reproduce|no idea|unknown)\b|无法复现|偶现|不知道"
)
_NUMBERED = re.compile(r"(?m)^\s*(?:\d{1,2}[.)、]|步骤\s*\d)\s*(?P<item>\S.*)$")
# "Steps: 1. join 2. publish" inside a chat message
_INLINE_STEPS = re.compile(
    r"(?i)\b(?:steps(?: to reproduce)?|to reproduce|repro)\s*[:：]\s*(?P<v>[^\n]{10,})"
    r"|(?P<n>\b1[.)、]\s*\S[^\n]{2,200}?\s2[.)、]\s*\S[^\n]*)"
)
_TRIGGER = re.compile(
    r"(?i)\b(?:when(?:ever)?|after|each time|every time)\s+(?:i|we|the user|users?|a user|"
    r"you|calling|tapping|clicking|pressing|joining|leaving|opening|selecting|switching|sending|"
    r"trying|connecting|starting|publishing|subscribing|running|launching|rotating|"
    r"backgrounding|the app (?:goes|is|returns|comes))\b"
    # "when a presenter shares their screen", "whenever the other user leaves"
    r"|\bwhen(?:ever)?\s+(?:an?|the|our|my|their|two|other)\s+(?:[\w-]+\s+){0,2}?"
    r"(?:shares?|joins?|leaves?|calls?|receives?|opens?|closes?|switch(?:es)?|sends?|taps?|"
    r"clicks?|press(?:es)?|starts?|stops?|publish(?:es)?|subscribes?|rotates?|locks?|goes|comes|"
    r"returns?|reconnects?|connects?|disconnects?|logs?|signs?|upgrades?|updates?|installs?|"
    r"interrupts?|hangs? up|puts?)\b"
    # "once the call is answered only the earpiece works"
    r"|\bonce\s+(?:the|a|an|my|our|their)\s+(?:[\w-]+\s+){0,2}?(?:is|are|gets?|got|has been)\s+"
    r"(?:answered|connected|established|joined|started|accepted|opened|closed|ended|published)\b"
    r"|\b(?:tapping|clicking|pressing|calling|selecting|opening|joining)\s+(?:on\s+)?[\w` ]{1,40}?"
    r"\s+(?:shows|crashes|does nothing|fails|throws|returns|causes|results|freezes|hangs)"
    r"|\b(?:crash\w*|fails?|freez\w*|hangs?)\s+(?:on|at) (?:app )?(?:launch|startup|start|login|"
    r"log ?in|logout|exit|join\w*|leav\w*)\b"
    r"|当.{1,20}时|点击.{1,20}后|调用.{1,30}(?:后|时)"
    # "一进入 App 就崩溃", "进房后对方听不到声音", "pod 导入 SDK 之后启动闪退", "打包报错"
    r"|一(?:进入|打开|启动|进房|登录|调用|点击|加入|切换|发送|收到|退出|锁屏|开始|切到后台)"
    r"[^，。！？\n]{0,12}就"
    r"|(?:进入|打开|启动|进房|登录|点击|加入|切换|发送|接听|拨打|退出|锁屏|打包|编译|导入|集成|"
    r"初始化|升级|推流|拉流|开启|关闭|切到后台|退到后台|回到前台|断网|重连|共享屏幕|离开|旋转|"
    r"输入|选择|提交|上传|创建|保存|挂断|呼叫)"
    r"[^，。！？\n]{0,20}(?:后|之后|以后|时|的时候)[^。！？\n]{0,15}"
    r"(?:崩溃|闪退|报错|失败|黑屏|卡|无声|没有声音|没声音|听不到|看不到|收不到|无反应|没有(?:任何)?反应|"
    r"没反应|异常|crash|掉线|断开|白屏|花屏)"
    r"|(?:打包|编译|构建|集成|导入)(?:时|的时候)?(?:就)?(?:报错|失败|出错)"
    r"|(?:启动|打开|进入|进房|登录|调用)[^，。！？\n]{0,10}就(?:会)?(?:崩溃|闪退|crash|黑屏|卡死|报错)"
    r"|调用[^，。！？\n]{1,40}?(?:报错|失败|崩溃|闪退|抛出|返回错误|没有(?:任何)?(?:反应|回调))"
)
_ACTION_LIST = re.compile(
    r"(?i)[:：]\s*(?P<v>(?:(?:start|join|leave|open|close|tap|click|press|send|receive|call|"
    r"hang up|switch|rotate|lock|unlock|put|bring|go|return|reopen|restart|kill|background|"
    r"enable|disable|publish|subscribe|mute|unmute|log ?in|log ?out|sign ?in|install|update)"
    r"[^,，.;\n]{0,40}[,，]\s*(?:and |then )?){2,}[a-z][^,，.;\n]{1,40})"
)
# "用docker部署完，打开网页创建会议，页面提示出错了": actions in a row, then the failure
_ACTIONS_ZH = re.compile(
    r"(?P<v>(?:(?:打开|进入|点击|创建|加入|登录|部署完?|安装|启动|调用|输入|选择|发送|开启|关闭|切换|"
    r"上传|拨打|接听)[^，。！？\n]{0,20}[，,]\s*){2,}[^。！？\n]{0,30}?"
    r"(?:失败|报错|出错|崩溃|闪退|黑屏|没有(?:任何)?反应|没反应|异常|卡住|无响应))"
)
_ARROWS = re.compile(r"(?P<v>[^\n：:]{2,30}(?:→|->|=>)[^\n]{2,30}(?:→|->|=>)[^\n]{2,40})")
# "- cold start from VoIP push -> conflict": scenario bullets
_SCENARIO = re.compile(r"(?m)^\s*[-*]\s+[^\n]{3,120}(?:->|→|=>)[^\n]+$")
_CODE = re.compile(r"```|\b[\w$]+\.[a-z_$][\w$]*(?:\(|\s*=\s*\()|\{\s*\"\w+\"\s*:[^{}]*,[^{}]*,")
_ACTION_VERBS = re.compile(
    r"(?i)\b(?:connected|closed|opened|restarted|joined|left|tapped|clicked|called|sent|"
    r"installed|ran|started|stopped|waited|logged in|signed in|switched|rotated|muted|published)\b"
)
_FAILURE = s.FAILURE
_EXPECT_INLINE = re.compile(
    r"(?i)\b(?:expected(?: result| behaviou?r| output)?[ \t]*[:：][ \t]*|"
    r"i (?:would )?expect(?:ed)?\s+(?:it\s+|"
    r"that\s+)?|"
    r"it should\s+|期望|预期|"
    r"(?:正常|按理|理论上|本来|按道理)(?:情况下|来说|讲)?[，,]?(?:应该|应当)(?:是)?)(?P<v>[^\n]{4,200})"
)
_ACTUAL_INLINE = re.compile(
    r"(?i)\b(?:actual(?: result| behaviou?r| output)?|instead)[ \t]*[:：,][ \t]*(?P<v>[^\n]{4,200})"
)
_IMPACT = re.compile(
    r"(?i)\b(?:all|every|most|many|some|several|"
    r"\d+%?\s*(?:of\s+)?(?:our\s+)?)\s*(?:of\s+)?(?:our\s+|the\s+)?"
    r"(?:users|customers|clients|devices|rooms|calls)\b|\bin production\b|\bproduction\b|\bprod\b|"
    r"\blive (?:app|users|traffic)\b|\b\d+\s*(?:-|to|of)\s*\d+\s*(?:times|"
    r"attempts)?\b(?=[^\n]{0,20}\b(?:of|attempts|times)\b)|"
    r"\b\d\s*(?:-\s*\d\s*)?(?:of|out of)\s*\d+\b|\bevery time\b|"
    r"\bsince\s+(?:\d{1,2}:\d{2}(?:\s?(?:[AaPp][Mm]|UTC|GMT))?|yesterday|today|last\s+\w+|"
    r"v?\d[\w.]*|\w+day|this morning|the (?:update|upgrade|release))|\b(?:a few|\d+) (?:hours|days|"
    r"weeks) ago\b|"
    r"线上|生产环境|正式环境|大面积|已(?:经)?上线|"
    r"(?:所有|全部|大量|大部分|很多|许多|部分|少数|个别|一半)(?:的)?(?:用户|客户|设备|机型)|"
    r"(?<!\d)\d{1,3}\s*%\s*(?:的)?(?:用户|设备)|从(?:昨天|今天|前天|上周|\d{1,2}\s*[点号日月])\S{0,10}开始"
)
_ATTACHMENT_HEAD = 16 * 1024
_MARKUP = re.compile(r"\*\*|__|^\s{0,3}#{1,6}\s*", re.M)


# "【问题描述】：", "问题：" before a summary, "急急急！！！" in front of it
_LEAD_LABEL = re.compile(r"^(?:【[^】\n]{1,20}】|[\u4e00-\u9fff]{2,6})[ \t]*[:：][ \t]*(?=\S)")
_LEAD_URGENCY = re.compile(
    r"^(?:(?:十万火急|火急|急+|紧急|很急|求助|求救)[!！。，,、\s]*|(?:help|urgent)\s*[!:！：]+\s*)+",
    re.I,
)


def _sentence(line: str) -> str:
    """The first sentence of a Chinese line that names something ("版本：3.8.1，系统：…。切换
    摄像头后卡住。" -> the second), else the line."""
    if not re.search(r"[\u4e00-\u9fff]", line):
        return line
    parts = [p.strip() for p in re.split(r"(?<=[。！？!?；;])", line) if p.strip()]
    for part in parts:
        if not re.fullmatch(r"(?:[^，,。:：]{1,12}[:：][^，,。]{1,40}[，,。；;]?\s*)+", part):
            return part
    return line


def _summary(title: str, body: str) -> str | None:
    for candidate in (title, body):
        for line in candidate.splitlines():
            cleaned = _MARKUP.sub("", strip_placeholders(line)).strip(" -*#>:")
            brackets = re.findall(r"【([^【】\n]{1,80})】", cleaned)
            if re.fullmatch(r"【[^】\n]{1,12}】", cleaned):
                continue  # a template heading ("【问题描述】") introduces the summary
            if brackets and not re.sub(r"【[^【】\n]{0,80}】|[\s:：\-–—_]", "", cleaned):
                # "【iOS】-【5.2.0】：【进房后黑屏】": the template's summary slot is the longest
                cleaned = max(brackets, key=len)
            cleaned = _sentence(_LEAD_URGENCY.sub("", cleaned))
            cleaned = _LEAD_URGENCY.sub("", _LEAD_LABEL.sub("", cleaned)).strip(" 。，,")
            if _words(cleaned) >= 2 and not re.fullmatch(
                r"(?i)describe the bug|the bug|bug", cleaned
            ):
                return _short(cleaned, 160)
    return None


def _clause(line: str, inner: str) -> str:
    """The Chinese sentence of ``line`` that holds ``inner`` (a line can hold versions,
    device and symptom all at once); English lines are kept whole."""
    if not re.search(r"[\u4e00-\u9fff]", inner):
        return line
    for part in re.split(r"(?<=[。！？!?；;])", line):
        if inner in part:
            return _LEAD_LABEL.sub("", part.strip())
    return _LEAD_LABEL.sub("", line)


_API_CALL = re.compile(r"\b(?:GET|POST|PUT|PATCH|DELETE)\s+(?:https?://\S+)?/[\w/{}.:-]+")


def _repro(
    parts: list[Section], labels: list[Labelled], text: str, *, server: bool = False
) -> str | None:
    for source in (
        section_matching(parts, _REPRO_HEAD),
        label_matching(labels, _REPRO_HEAD),
    ):
        if source and _words(source) >= 5 and not _NOT_REPRO.search(source[:80]):
            return _short(source)
    inline = _INLINE_STEPS.search(text)
    if inline:
        return _short(inline.group("v") or inline.group("n"))
    items = list(dict.fromkeys(m.group("item").strip() for m in _NUMBERED.finditer(text)))
    # template items ("**Android Version:**", "**Is the bug in the demo?**") are not steps
    steps = [
        i
        for i in items
        if not re.match(r"[^:：]{1,60}[:：]", i) and not re.fullmatch(r"\*\*[^*]+\*\*\s*", i)
    ]
    if len(steps) >= 2:
        return _short("\n".join(f"{n}. {s}" for n, s in enumerate(steps, 1)))
    if len(_SCENARIO.findall(text)) >= 2:
        return _short("\n".join(m.strip() for m in _SCENARIO.findall(text)))
    # "…: start a call, receive a phone call, hang up." / "进入通话 → 切到后台 → 再切回来"
    listed = _ACTION_LIST.search(text) or _ARROWS.search(text) or _ACTIONS_ZH.search(text)
    if listed:
        return _short(listed.group("v").strip(), 400)
    # stack frames look like code but are not a reproduction
    prose = re.sub(r"(?m)^\s*at\s.*$", "", text)
    # "we get a 500 from POST /v1/users": for a server API, the call is the reproduction (an
    # app's HTTP log line "--> POST /v1/token" is not)
    call = _API_CALL.search(prose) if server else None
    if call:
        start = prose.rfind("\n", 0, call.start()) + 1
        end = prose.find("\n", call.end())
        return _short(prose[start : end if end != -1 else len(prose)].strip(), 400)
    trigger = _TRIGGER.search(prose) or _CODE.search(prose)
    if trigger:
        start = prose.rfind("\n", 0, trigger.start()) + 1
        end = prose.find("\n", trigger.end())
        line = prose[start : end if end != -1 else len(prose)]
        return _short(_clause(line, trigger.group(0)), 400)
    if len(set(m.group(0).lower() for m in _ACTION_VERBS.finditer(text))) >= 3:
        first = _ACTION_VERBS.search(text)
        assert first is not None
        start = text.rfind("\n", 0, first.start()) + 1
        return _short(text[start : text.find("\n", first.end()) % (len(text) + 1)], 400)
    return None


def _expected(parts: list[Section], labels: list[Labelled], text: str) -> str | None:
    for value in (section_matching(parts, _EXPECTED_HEAD), label_matching(labels, _EXPECTED_HEAD)):
        if value and _words(value) >= 2:
            return _short(value, 300)
    match = _EXPECT_INLINE.search(text)
    return _short(match.group("v"), 300) if match else None


def _actual(
    parts: list[Section], labels: list[Labelled], text: str, summary: str | None
) -> str | None:
    for value in (
        section_matching(parts, _ACTUAL_STRONG_HEAD),
        label_matching(labels, _ACTUAL_STRONG_HEAD),
        section_matching(parts, _ACTUAL_HEAD),
        label_matching(labels, _ACTUAL_HEAD),
    ):
        if value and _words(value) >= 2:
            return _short(value, 400)
    match = _ACTUAL_INLINE.search(text)
    if match:
        return _short(match.group("v"), 300)
    # The description of a failure is the actual behaviour when no field names it.
    for sentence in re.split(r"(?<=[.!?])\s+|(?<=[。！？])|\n", text):
        if (
            _FAILURE.search(sentence)
            and _words(sentence) >= 3
            and not sentence.lstrip().startswith(("#", "**"))
        ):
            return _short(sentence, 300)
    if summary and _FAILURE.search(summary):
        return summary
    return None


_CJK = re.compile(r"[\u4e00-\u9fff]")
# A stack frame or a library path implies a platform but does not name it
# ("apex/com.android.runtime/lib64/bionic/libc.so (abort+180)").
_FRAME_LINE = re.compile(
    r"(?m)^[ \t]*(?:at\s+[\w$.<>/]+[.(]|#\d+\s+(?:pc\s+)?0x|\d+\s+[\w.-]+\s+0x[0-9a-f]{6,}|"
    r"=?/?(?:[\w.-]+/){2,}[\w.+-]+\.(?:so|dylib|dll|apk)\b)[^\n]*$"
)


def _impact(parts: list[Section], labels: list[Labelled], text: str) -> str | None:
    value = section_matching(parts, _IMPACT_HEAD) or label_matching(labels, _IMPACT_HEAD)
    if value:
        return _short(value, 200)
    phrases: list[str] = []
    for match in _IMPACT.finditer(text):
        phrase = _impact_clause(text, match) if _CJK.match(match.group(0)) else match.group(0)
        phrase = phrase.strip()
        if phrase.lower() not in (p.lower() for p in phrases):
            phrases.append(phrase)
    return "; ".join(phrases[:4]) if phrases else None


def _impact_clause(text: str, match: re.Match[str]) -> str:
    """A Chinese impact word with the clause around it: "线上大约三成用户受影响", not "线上"."""
    start = max(text.rfind(mark, 0, match.start()) for mark in "，,。；;！？!?\n") + 1
    ends = [i for i in (text.find(mark, match.end()) for mark in "，,。；;！？!?\n") if i >= 0]
    clause = text[start : min(ends, default=len(text))].strip()
    return clause if len(clause) <= 40 else match.group(0)


def _title_versions(
    versions: list[SdkVersion], *, full: str, title: str
) -> tuple[list[SdkVersion], str | None]:
    """SDK versions without a vendor template's defaults, and an OS version found in the
    template's version slot.

    A title bracket's version ("【6.5.7272】") that appears nowhere else is the template's
    default when the report also left other template defaults in place. "【iOS】-【13.1.1】"
    beside an SDK version stated in the body is the iOS version written in the SDK slot.
    """
    bracket = bracketed_version(title) or bracketed_version(full[:400])
    if not versions or not (bracket or "【" in title):
        return versions, None
    os_version = None
    if bracket:
        os_name, number = bracket
        others = [v for v in versions if v.version != number and v.strength >= 2]
        if others and plausible_os_version(os_name, number):
            versions = [v for v in versions if v.version != number]
            os_version = f"{os_name} {number}"
    if placeholder_marks(full):
        body = full.split(title, 1)[1] if title and title in full else full
        in_brackets = set(re.findall(r"【\s*v?(\d+(?:\.\d+)+)\s*】", title))
        versions = [v for v in versions if not (v.version in in_brackets and v.version not in body)]
    return versions, os_version


def extract(text: str, *, title: str = "", attachments: Sequence[str] = ()) -> BugFields:
    """The bug-report fields found in ``title``/``text`` and attachment texts.

    Pass already-redacted text: the fields are quoted back to users and agents.
    """
    full = f"{title}\n\n{text}" if title else text
    if not title:
        first, _, rest = text.partition("\n")
        title, body = first, rest
    else:
        body = text
    parts = sections(full)
    labels = labelled_lines(full)
    plain = spaced(_MARKUP.sub("", strip_placeholders(full)))
    # A log file can be megabytes: read its head (versions, device, OS are logged at start-up)
    # and its error lines, not every line.
    heads = [a[:_ATTACHMENT_HEAD] for a in attachments]
    errors = [error_lines(a) or log_lines(a[:_ATTACHMENT_HEAD]) or "" for a in attachments]
    attached = "\n".join([*heads, *errors]).strip()
    versions, bracket_os = _title_versions(sdk_versions(plain, title=title), full=full, title=title)
    if not versions and attached:
        versions = sdk_versions(attached)
    sdk_name = label_matching(labels, _SDK_HEAD) or section_matching(parts, _SDK_HEAD)
    if sdk_name and (_words(sdk_name) > 6 or re.fullmatch(r"[\d.\s-]+", sdk_name)):
        sdk_name = None
    named = next((v.sdk for v in versions if v.sdk), None)
    summary = _summary(title, body)
    logs = log_lines(full)
    attached_logs = "\n".join(e for e in errors if e) or (_short(heads[0], 2000) if heads else "")
    if attached_logs:
        logs = "\n".join(x for x in (logs, attached_logs) if x)
    # a Chinese report names its platform in its narrative; a library path in the pasted
    # crash ("apex/com.android.runtime/…/libc.so") implies one without naming it
    named_in = _FRAME_LINE.sub("", plain) if _CJK.search(plain) else plain
    platform = platforms(named_in) or (platforms(attached) if attached else None)
    os_version = (
        os_version_of(labels, parts, plain)
        or bracket_os
        or (os_version_of([], [], attached) if attached else None)
    )
    if not platform and os_version:
        # "ios9", "API 30": the OS names the platform even when no platform word matched
        platform = platforms(os_version.replace("Android API", "Android"))
    server = server_side(named_in, platform)
    platform = server_platform(named_in, platform, os_version)  # "Docker", "server API"
    return BugFields(
        summary=summary,
        sdk=(named or sdk_name),
        sdk_version=versions[0].version if versions else None,
        platform=platform,
        os_version=os_version,
        device=device_of(labels, parts, plain),
        repro_steps=_repro(parts, labels, strip_placeholders(full), server=server),
        expected=_expected(parts, labels, plain),
        actual=_actual(parts, labels, plain, summary),
        logs=logs,
        impact=_impact(parts, labels, plain),
    )


def codes(text: str, attachments: Sequence[str] = ()) -> list[str]:
    """Error codes in the text and in the attachments' error lines."""
    found = "\n".join([text[:_ATTACHMENT_HEAD], *(error_lines(a) or "" for a in attachments)])
    return error_codes(found)


__all__ = ["codes", "extract", "is_empty_value"]
