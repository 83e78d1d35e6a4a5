"""Steps to reproduce in a bug report: a template section, "Steps: 1. … 2. …", a numbered
list, actions in a row ("打开 → 进房 → 切后台"), or the trigger of the failure ("crashes when the
second user joins")."""

from __future__ import annotations

import re

from bot.triage.numbering import through_last_step
from bot.triage.sections import NEXT_LABEL, Labelled, Section, label_matching, section_matching
from bot.triage.sections import clipped as _short
from bot.triage.sections import word_count as _words

# "版本：3.8.1，" / "【现象】：" at the start of a line: a label, not what the line says
LEAD_LABEL = re.compile(r"^(?:【[^】\n]{1,20}】|[\u4e00-\u9fff]{2,6})[ \t]*[:：][ \t]*(?=\S)")
_REPRO_HEAD = re.compile(
    r"(?i)reproduc|\brepro\b|\bsteps\b|what did you do|how to trigger|"
    r"(?:复现|重现)(?!概率|率)|步骤|操作"
)
_NOT_REPRO = re.compile(
    r"(?i)\b(?:at random|randomly|random|cannot reproduce|can't reproduce|not reproducible|"
    r"unable to reproduce|no idea|unknown)\b|无法复现|偶现|不知道"
)
_NUMBERED = re.compile(r"(?m)^\s*(?:\d{1,2}[.)、]|步骤\s*\d)\s*(?P<item>\S.*)$")
# "Steps: 1. join 2. publish" inside a chat message; "…3.7.2。步骤：断网发几条消息，…" (up to
# what is expected, which is not a step)
_INLINE_STEPS = re.compile(
    r"(?i)\b(?:steps(?: to reproduce)?|to reproduce|repro)\s*[:：]\s*(?P<v>[^\n]{10,}?)"
    + NEXT_LABEL
    # "1." not the end of a version ("SDK 5.2.1. Expected: …")
    + r"|(?P<n>(?<![\w.])1[.)、]\s*\S[^\n]{2,200}?\s2[.)、]\s*\S[^\n]*)"
    r"|(?:复现|重现)?(?:步骤|操作)\s*[:：]\s*(?P<z>[^\n]{6,}?)(?=[。.；;]?\s*(?:期望|预期|实际)|\n|$)"
)
_TRIGGER = re.compile(
    r"(?i)\b(?:when(?:ever)?|after|each time|every time)\s+(?:i|we|they|the user|users?|a user|"
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
    # "每次刷新页面历史消息都要重新拉一遍": every time they do X, Y happens
    r"|每次(?:刷新|打开|进入|启动|进房|登录|调用|点击|加入|切换|发送|退出|锁屏|切到后台|回到前台|"
    r"重连|断网|旋转)[^。！？\n]{0,20}(?:都|就)"
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


def _clause(line: str, inner: str) -> str:
    """The Chinese sentence of ``line`` that holds ``inner`` (a line can hold versions,
    device and symptom all at once); English lines are kept whole."""
    if not re.search(r"[\u4e00-\u9fff]", inner):
        return line
    for part in re.split(r"(?<=[。！？!?；;])", line):
        if inner in part:
            return LEAD_LABEL.sub("", part.strip())
    return LEAD_LABEL.sub("", line)


_API_CALL = re.compile(r"\b(?:GET|POST|PUT|PATCH|DELETE)\s+(?:https?://\S+)?/[\w/{}.:-]+")


def repro_steps(
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
        # "…3. 闪退。线上 30% 用户受影响": the impact after the last step is not a step
        return _short(
            through_last_step(inline.group("v") or inline.group("n") or inline.group("z"))
        )
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
