"""Kinds of pages and sections that rarely answer a question by themselves.

Release notes, command-line references and error-code pages repeat the words of every feature
they touch, and "Next steps" sections repeat the words of the pages they point to. They count
half, so the guide that explains the thing comes first, unless the question asks for that kind
of page (a version, the CLI, an error).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from retrieval.types import Chunk

# Pages of a side kind, by their path, and what a question says when it asks for them.
# Release notes name every feature in passing, a command-line reference repeats the API's
# words in its flags ("--channel", "Options"), and an error code's page describes the feature it
# fails in; unless the question asks about versions or fixes, the command line, or an error
# (a code, a quoted message, "fails", "rejected"), the guide itself is the better answer.
SIDE_PAGES = (
    (
        re.compile(r"release[-_ ]?notes|changelog|history|whats[-_]new", re.I),
        re.compile(
            r"release|changelog|version|since|history|known issue|regression|fixed|deprecat"
            r"|upgrad|changed|new in|\bv?\d+\.\d+(?:\.\d+)?\b"
            r"|新版本|版本|更新日志|已知问题|修复|升级",
            re.I,
        ),
    ),
    (
        re.compile(r"(?:^|/)(?:cli|command[-_]line)(?:/|$)", re.I),
        re.compile(
            r"\bcli\b|command[- ]line|\bcommands?\b|terminal|shell|console|(?:^|\s)--?[a-z]"
            r"|命令行|终端",
            re.I,
        ),
    ),
    (
        re.compile(r"(?:^|/)errors?(?:/codes?)?(?:/|\.|$)|error[-_]?codes?", re.I),
        re.compile(
            r"error|\bcodes?\b|fail|reject|denied|warning|exception|crash|invalid|unable"
            r"|cannot|can't|refus|\d{4,}|[\"'“‘`][^\"'”’`]{6,}[\"'”’`]"
            r"|错误|失败|报错|异常|无法",
            re.I,
        ),
    ),
)
SIDE_DAMPING = 0.5
# Sections that only point elsewhere ("Next steps", "Related pages") repeat their targets'
# words in a few lines; they count half.
NAV_DAMPING = 0.5
NAVIGATION = re.compile(
    r"^(?:next steps?|what'?s next|related(?: pages| topics| links| resources)?|see also"
    r"|further reading|learn more|more resources|resources)\b"
    r"|下一步|相关(?:文档|链接|页面)|延伸阅读",
    re.I,
)


def unasked_side_pages(question: str) -> list[re.Pattern[str]]:
    """The paths of the side kinds of page that ``question`` does not ask for."""
    return [page for page, asks in SIDE_PAGES if not asks.search(question)]


def kind_factor(chunk: Chunk, side_pages: Sequence[re.Pattern[str]]) -> float:
    """What ``chunk``'s score is multiplied by: less for a side page (of ``side_pages``, from
    :func:`unasked_side_pages`) and for a section that only points elsewhere."""
    factor = 1.0
    if any(page.search(chunk.source) for page in side_pages):
        factor *= SIDE_DAMPING
    if chunk.heading_path and NAVIGATION.search(chunk.heading_path[-1]):
        factor *= NAV_DAMPING
    return factor
