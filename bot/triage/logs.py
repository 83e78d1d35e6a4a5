"""Log lines, stack traces, crash signatures and error codes inside a report or a file."""

from __future__ import annotations

import re

_LOG_LINE = re.compile(
    r"|".join(
        (
            r"^\s*at\s+[\w$.<>/\[\]]+\s*[.(]",  # Java / JS stack frame
            r"\bframe\s+#\d+",  # lldb
            r"^\s*#\d+\s+(?:pc\s+)?0x[0-9a-fA-F]+",  # tombstone / gdb
            r"^\s*\d+\s+[\w.-]+\s+0x[0-9a-fA-F]{6,}",  # iOS crash report frame
            r"\bThread \d+(?: Crashed)?\b.*:",
            r"File \"[^\"]+\", line \d+|Traceback \(most recent call last\)",
            # TypeError: x, java.lang.NoSuchMethodError: x
            r"(?:Exception|Error)\s*:\s*\S",
            r"\b(?:SIGABRT|SIGSEGV|SIGBUS|SIGILL|SIGTRAP|SIGKILL|EXC_BAD_ACCESS|EXC_CRASH|"
            r"EXC_BREAKPOINT)\b|null pointer dereference|FATAL EXCEPTION|Fatal Exception|"
            r"\bANR in\b|\bsignal \d+ \(SIG",
            # timestamped lines; "2019-09-01 16:23~16:55" alone is a time range, not a log
            r"^\s*(?:\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(?!(?::\d{2})?\s*(?:[~～至到—–-]|$))"
            r"|\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3}"
            r"|\[?\d{2}:\d{2}:\d{2}(?:[.,]\d{3})?\]?\s)",
            r"(?:^|[\s:：，,。])[VDIWEF]/[\w.$-]+\s*(?:\(\s*\d+\))?:",  # logcat
            r"^\s*(?i:logs?|logcat|stack ?trace|console)\s*[:：]\s*\S",  # "logs: <pasted>"
            r"\b(?i:error_?)?(?i:code)\s*[=:]\s*-?\d{3,}\b",
            r"\b(?:objc|libc|dyld|CFNetwork)\[\d+(?::\d+)?\]",
            r"(?:^|\s|\[)(?:ERROR|WARN(?:ING)?|FATAL|CRITICAL|PANIC)(?:\]|:|\s)",
            r"Error Domain=\w+ Code=-?\d+",
            r"[\"']?[eE]rror_?[cC]ode[\"']?\s*[:=]\s*-?\d+|\[code:\s*\d+",
            r"(?<=\w)\.(?:so|dylib|dll)\b(?:!|\s|$)|\bbase\.apk!",
            r"(?<=\w)\.(?:kt|java|swift|m|mm|js|ts|tsx|jsx|dart|go|py|cpp|cc|c|rs):\d+\b",
            r"`[^`\n]*(?:error|exception|failed|unknown|undefined|null)[^`\n]*`",
            r"was called on null|Tried calling:|Receiver: null",
            r"(?:报错|错误码|异常)[:：]\s*\S",
            # an SDK error code inside Chinese prose: "报错 6017", "错误码 -100018", "error -1001"
            r"(?:错误码|错误代码|报错|返回码|(?<![A-Za-z])(?i:error|err))\s*(?i:code|码)?\s*[:：=]?"
            r"\s*(?:-\d+|\d{3,})\b|(?:提示|返回)\s*[:：]?\s*(?:-\d{3,}|\d{4,})\b",
            r"\bError \([\w ]+\):\s*\S|\bfile not found\b",
            r"\bon[A-Z]?\w*[Ee]rror\s*\(\s*-?\d+",  # onError(17)
            r"\b\w+(?:::\w+){2,}\b[^\n]{0,60}\b(?:failed|error)\b",  # agora::rtc::X failed
            r"^\s*(?:FAILURE|Caused by|What went wrong|\* What went wrong):?",  # Gradle / Java
            r"^\s*Warning:\s+\S[^\n]{20,}",  # a tool's warning output, not prose
            r"\*\*\* Terminating app due to|\buncaught exception\b|\bUncaught \(in promise\)",
            # an attached log file: "[crashLog.txt]", "[logcat.zip](...)"
            r"\[[\w.-]*(?i:log|crash|logcat|trace|dump|anr)[\w.-]*\.(?i:txt|log|zip|gz|xlog|crash|ips)\]",
            r"\b[\w-]+\.(?i:log|xlog|crash|ips|dmp)\b",
            r"^\s*\[\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}[^\]]*\]\s*\S",
            # "flutter: 11:28:01.176 [Debug] …": a tagged, time-stamped line; "[Debug]" levels
            r"^\s*[\w.-]{1,24}:\s+\d{2}:\d{2}:\d{2}(?:[.,]\d{1,6})?\s",
            r"\[(?:DEBUG|Debug|INFO|Info|WARN|Warn|WARNING|Warning|VERBOSE|Verbose|TRACE|Trace)\]",
            # a server's error reply pasted from an API call: "HTTP/1.1 500 …", "返回内容：{…}",
            # a JSON body with an error, an error status or a request id to trace
            r"\bHTTP/\d(?:\.\d)? [45]\d\d\b",
            r"^\s*(?i:response(?: body)?|body|返回(?:内容|结果|值)?|响应(?:体|内容)?)"
            r"\s*[:：]\s*[{\[]",
            r"^\s*[{\[][^\n]{0,200}\"(?i:error|errcode|err_code|request_?id|trace_?id)\"\s*:",
            r"^\s*[{\[][^\n]{0,200}\"(?i:code|status)\"\s*:\s*[45]\d\d\b",
        )
    ),
    re.M,
)
# A line that introduces a pasted log: everything up to the next blank line is log.
_LOG_INTRO = re.compile(
    r"(?im)^\s*(?:error|errors|log|logs|logcat|stack ?trace|crash(?: log| snippet| report)?|"
    r"console(?: output)?|output|trace|exception|日志|报错|错误信息|堆栈)\s*[:：]\s*$"
)
# "... I get an error" / "the following error:" at the end of a line: the next lines are it
_ERROR_ANNOUNCE = re.compile(
    r"(?i)\b(?:get|got|getting|see|seeing|throws?|shows?|returns?|following|this)\s+"
    r"(?:(?:an?|the|this|following)\s+(?:error|exception|crash)(?:\s+message)?\s*[:：]?"
    r"|(?:error|exception|crash)(?:\s+message)?\s*[:：])\s*$"
    # "…屏幕分享崩溃，日志如下：", "iOS 编译失败：": a Chinese sentence that introduces the log
    r"|(?:日志|报错|错误信息|堆栈|崩溃信息|控制台输出|输出|失败|出错|错误|异常|崩溃)(?:了)?"
    r"(?:如下|信息)?\s*[:：]\s*$"
)
# "This line shows up in the subscriber's log:", "But I get this error and no media flows:":
# a sentence (not a template heading) about an error or a log that ends in a colon
_LOG_WORD = re.compile(r"(?i)\b(?:errors?|exceptions?|logs?|logcat|console|stack ?traces?)\b")


def _announces_log(line: str) -> bool:
    said = line.strip()
    return (
        said.endswith((":", "："))
        and said[0] not in "#*>|-_【["
        and len(said.split()) >= 4
        and bool(_LOG_WORD.search(said))
    )


_ZH_PROSE = re.compile(r"[\u4e00-\u9fff]{4}")
_CODE_FENCE = re.compile(r"```[\w-]*\n(.*?)(?:```|\Z)", re.S)

_ERROR_CODES = (
    re.compile(r"Error Domain=(\w+) Code=(-?\d+)"),
    re.compile(r"(?i)[\"']?error_?code[\"']?\s*[:=]\s*(-?\d+)"),
    re.compile(r"(?i)\b(?:status ?code|http(?:status)?|http status)[\"']?\s*[:=]?\s*([1-5]\d\d)\b"),
    re.compile(r"(?i)\[code:\s*(\d+)"),
    re.compile(r"(?i)\b(?:error|err|code)\s*(?:code)?\s*[:=#]\s*(-?\d{2,})\b"),
    re.compile(r"\b((?:ERR|E)_[A-Z][A-Z0-9_]{2,})\b"),
    re.compile(r"\b(SIGABRT|SIGSEGV|SIGBUS|SIGILL|EXC_BAD_ACCESS|EXC_CRASH)\b"),
    re.compile(r"(?<![\w.])((?:[a-z]\w{0,30}\.){1,10}[A-Z]\w{0,60}(?:Exception|Error))\b"),
    re.compile(r"(?<![\w.])([A-Z]\w{0,60}(?:Exception|Error))(?=:)"),
    re.compile(r"错误码\s*[:：]?\s*(-?\d+)"),
    re.compile(r"(?:报错|返回码|错误代码)\s*(?i:code)?\s*[:：=]?\s*(-\d+|\d{3,})\b"),
    re.compile(r"(?:提示|返回)\s*[:：]?\s*(-\d{3,}|\d{4,})\b"),
)

MAX_LOG_CHARS = 4000
_LINE_HEAD = 400
# The lines worth showing from a long log file: errors, fatals, exceptions, crash signals.
_SEVERE = re.compile(
    # case-sensitive and without leading \w* on purpose: this runs over megabytes
    r"[EF]/[A-Za-z][\w.$-]*[:(\s]|\b(?:ERROR|FATAL|CRITICAL|PANIC)\b|(?:Exception|Error)[:\s]|"
    r"\bSIG(?:ABRT|SEGV|BUS|ILL|TRAP)\b|\bEXC_[A-Z]|^\s*at [\w$.]+\(|[Cc]rash|CRASH|"
    r"[Ff]ail(?:ed|ure)|FAIL|[eE]rror_?[cC]ode|\bcode\s*[=:]\s*-?\d{3}",
    re.M,
)


def log_lines(text: str, *, limit: int = MAX_LOG_CHARS) -> str | None:
    """The log-looking lines of ``text`` (stack traces, crash lines, pasted logs), capped."""
    picked: list[str] = []
    size = 0
    in_block = armed = False
    fenced = {m.start(1): m.end(1) for m in _CODE_FENCE.finditer(text)}
    fenced_text = "".join(text[s:e] for s, e in fenced.items())
    fence_is_log = any(
        _LOG_LINE.search(line[:_LINE_HEAD]) for line in fenced_text.splitlines()[:2000]
    )
    position = 0
    for line in text.splitlines(keepends=True):
        start = position
        position += len(line)
        stripped = line.strip()
        if not stripped:
            in_block = armed  # blank lines right after an intro do not end the block
            continue
        inside_fence = fence_is_log and any(s <= start < e for s, e in fenced.items())
        if (
            _LOG_INTRO.match(line)
            or _ERROR_ANNOUNCE.search(line[-120:])
            or _announces_log(line[-200:])
        ):
            in_block = armed = True
            continue
        armed = False
        head = line[:_LINE_HEAD]
        if in_block and not inside_fence and _ZH_PROSE.search(head) and not _LOG_LINE.search(head):
            in_block = False  # "麻烦看下是什么原因" after the pasted log: the reporter again
        # only the head of a line is matched: bounds the cost of pathological long lines
        if in_block or inside_fence or _LOG_LINE.search(head):
            piece = stripped[:500]
            if piece.startswith("```"):
                continue
            picked.append(piece)
            size += len(piece) + 1
            if size >= limit:
                break
    if not picked:
        return None
    return "\n".join(picked)[:limit]


_SEVERE_KEYS = (
    "E/",
    "F/",
    "ERROR",
    "FATAL",
    "CRITICAL",
    "PANIC",
    "Exception",
    "Error",
    "SIG",
    "EXC_",
    "at ",
    "rash",
    "RASH",
    "ail",
    "FAIL",
    "rror",
    "code",
)


def _candidate_lines(text: str, cap: int = 5000) -> list[int]:
    """Start offsets of lines containing a severity keyword, found with ``str.find`` (C speed;
    a regex alternation over a megabyte is ~100x slower in ``re``)."""
    starts: set[int] = set()
    for key in _SEVERE_KEYS:
        position = text.find(key)
        while position != -1 and len(starts) < cap:
            line_start = text.rfind("\n", 0, position) + 1
            starts.add(line_start)
            line_end = text.find("\n", position)
            if line_end == -1:
                break
            position = text.find(key, line_end)
    return sorted(starts)


def error_lines(text: str, *, limit: int = MAX_LOG_CHARS) -> str | None:
    """The error lines of a long log (first ones first), capped."""
    picked: list[str] = []
    size = 0
    for start in _candidate_lines(text):
        end = text.find("\n", start)
        line = text[start : end if end != -1 else len(text)]
        if not _SEVERE.search(line[:_LINE_HEAD]):
            continue
        piece = line.strip()[:500]
        picked.append(piece)
        size += len(piece) + 1
        if size >= limit:
            break
    return "\n".join(picked)[:limit] if picked else None


def error_codes(text: str, *, limit: int = 10) -> list[str]:
    """Error codes, signals and exception class names, first seen first."""
    seen: list[str] = []
    for pattern in _ERROR_CODES:
        for match in pattern.finditer(text):
            groups = [g for g in match.groups() if g]
            code = " ".join(groups) if len(groups) > 1 else groups[0]
            if code not in seen:
                seen.append(code)
            if len(seen) >= limit:
                return seen
    return seen
