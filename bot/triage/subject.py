"""A ticket's subject: the report's own first line, without what is not the problem."""

from __future__ import annotations

import re

_GREETING_HEAD = re.compile(
    r"^\s*(?:hi|hello|hey|dear \w+|good (?:morning|afternoon|evening))(?:\s+(?:there|team|all|"
    r"folks|guys))?\s*[,!.:，！。]+\s*|^\s*(?:你好|您好|哈喽|hello)[,!.，！。\s]*",
    re.I,
)


# A title run into the template under it: "Firebase crash. ## What did you do?", "Hide the
# buttons. **Is your feature request related to a problem?", "Crashes on 4.4.2. 1."
_TEMPLATE_TAIL = re.compile(
    r"\s+(?:#{1,6}\s|\*\*[^*]{0,80}[?？:：](?:\*\*|$))|(?<=[.!?。！？])\s+\d{1,2}\.\s*$|"
    r"(?<=[.。])\s*【[^】]{1,20}】[:：]?\s*$|(?<=[.。])\s*(?:【[^】]{0,20}】[-\s:：]*)*【[^】]*$|"
    # GitHub's default issue templates' prompts, their markup already gone
    r"(?i:(?<=[.!?])\s+(?:is your feature request related to a problem|describe the (?:bug|"
    r"solution)|what did you (?:do|expect)|to reproduce\b|steps to reproduce\b).*$)"
    # the body's opening run into the title: "Crash on 2.25.3. Hi Team,",
    # "支持X. 您好，又来打扰了。", "首次黑屏. 复现步骤：", "远端黑屏. flutter: 11:28:01."
    r"|(?<=[.!?。！？])\s*(?:(?i:hi|hello|hey|dear)\b|你好|您好|哈喽|大家好).*$"
    r"|(?<=[.。])\s*[\u4e00-\u9fff]{2,8}[:：]\s*$"
    r"|(?<=[.。])\s+[\w.-]{1,24}:\s*\d{1,2}:\d{2}.*$"
)
_HEADING_ONLY = re.compile(
    r"(?:【[^】]{1,20}】\s*[:：]?|\[[^\]]{1,30}\]|[\w\s]{1,30}[:：]|describe the bug|"
    r"to reproduce|bug report|expected behaviou?r|what did you do\??)",
    re.I,
)


# A line that says there is a problem and nothing about it: "something is wrong", "I have an
# issue", "有个问题", "出问题了，求助" — never a subject while a later line names the symptom.
_VAGUE = re.compile(
    r"(?i)(?:(?:hi|hello|hey)\W+)?(?:(?:i|we)(?: have| got|'ve got| ran into| hit)|there(?:'s| is)|"
    r"got|have)?\s*(?:a|an|one|some|another)?\s*(?:small |quick |weird |strange )?"
    r"(?:problem|issue|bug|question)s?(?: here| again| with (?:it|this|the sdk|your sdk))?|"
    r"something(?:'s| is)? (?:wrong|broken|not working|off|weird)(?: here| again)?|"
    r"(?:it|this|that) (?:doesn'?t|does not|isn'?t|is not) work(?:ing)?|"
    r"(?:please )?help(?: me)?(?: please)?|(?:i |we )?need (?:some )?help|"
    r"(?:我|我们)?(?:这边)?(?:有|遇到(?:了)?)(?:个|一个|点|些)?问题(?:了)?|出(?:了|现)?(?:点)?问题(?:了)?|"
    r"(?:不行|不好使|用不了)(?:了)?|求助|救命|帮帮忙|帮忙看(?:一)?下|"
    r"hi|hello|hey|你好|您好|哈喽|在吗|(?:hi |hello )?(?:team|there|all)|"
    r"urgent|asap|紧急|急+|很急|在线等"
)
_VAGUE_ENDS = re.compile(r"^[\s,，.。!！?？:：~～…-]+|[\s,，.。!！?？:：~～…-]+$")


def says_nothing(line: str) -> bool:
    """A line that only says there is a problem ("something is wrong", "有个问题，求助")."""
    parts = [p for p in re.split(r"[,，.。!！?？;；]+", line) if p.strip()]
    return bool(parts) and all(_VAGUE.fullmatch(_VAGUE_ENDS.sub("", p)) for p in parts)


def without_vague_lead(line: str) -> str:
    """ "有个问题，离线后消息重复" -> "离线后消息重复": the lead that says nothing goes."""
    lead = re.match(r"[^,，:：;；。.!！]{1,30}[,，:：;；。.!！]+\s*", line)
    if lead and says_nothing(lead.group(0)) and len(line) - lead.end() >= 6:
        return line[lead.end() :]
    return line


# where a sentence ends: "." / "!" / "?" before a space, or a Chinese full stop
_SENTENCE_END = re.compile(r"(?<![A-Za-z]\.[A-Za-z])(?<!\bvs)(?<!\betc)[.!?](?=\s)|[。！？]")
_LONG = 60
_CJK = re.compile(r"[\u4e00-\u9fff]")


def first_sentence(line: str) -> str:
    """A long line's first sentence, when it says enough on its own ("docker 部署后创建会议报错.
    用 docker 部署完，打开网页…" -> its first sentence)."""
    if len(line) + len(_CJK.findall(line)) <= _LONG:  # a Chinese character is two wide
        return line
    for end in _SENTENCE_END.finditer(line):
        if end.start() >= 8:
            return line[: end.end()].rstrip()
    return line


# A clause that only names the environment: "SDK 2.14.2", "Android 14", "小米 13", "v5.2.1"
# (not "~3% of sessions" or "since 4.2.1", which say more)
_ENV_CLAUSE = re.compile(r"\s*(?=[^，,]*\d)(?:[^\s，,]+\s*){1,3}")
_ENV_WORD = re.compile(
    r"(?i)\b(?:sdk|android|ios|ipados|iphone|ipad|pixel|galaxy|samsung|xiaomi|redmi|huawei|"
    r"honor|oppo|vivo|oneplus|macos|windows|chrome|safari|firefox|edge|flutter|version|v(?=\d))"
    r"|小米|华为|荣耀|红米|鸿蒙|版本|系统|机型"
)


def without_trailing_environment(text: str) -> str:
    """A report's first sentence without the versions listed after the problem: "退出房间时
    崩溃了，SDK 2.14.2，Android 14，小米 13" -> "退出房间时崩溃了". A clause goes when it is
    at most three words (or eight Chinese characters), holds a number and names an SDK, an OS,
    a browser or a phone."""
    clauses = re.split(r"(?<=[，,])", text)
    while len(clauses) > 1:
        last = clauses[-1].strip(" ，,。.")
        if not last or (
            _ENV_CLAUSE.fullmatch(last) is not None
            and _ENV_WORD.search(last) is not None
            and len(_CJK.findall(last)) <= 8
        ):
            clauses.pop()
            continue
        break
    kept = "".join(clauses).rstrip(" ，,")
    return kept if kept else text


def subject_line(*sources: str, limit: int = 200) -> str | None:
    """The first line of ``sources`` that says something: never a greeting, a template's
    heading ("【当前现象】", "**Describe the bug**") or the template run into a title."""
    for source in sources:
        for line in source.strip().splitlines():
            line = _GREETING_HEAD.sub("", line).strip()
            line = _TEMPLATE_TAIL.split(line)[0]
            line = re.sub(r"^[#>*\s:：,，、;；-]+|[*_`\s]+$", "", line).strip()
            line = re.sub(r"(?<=[?？!！])[.。]$", "", line)  # "Support for X?. Hello" -> "…X?"
            if line and not _HEADING_ONLY.fullmatch(line) and not says_nothing(line):
                first = first_sentence(without_vague_lead(line))
                return without_trailing_environment(first)[:limit]
    return None
