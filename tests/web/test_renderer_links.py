"""The chat page's Markdown renderer makes links only to http(s) pages and same-site paths:
``/\\evil.example`` is ``//evil.example`` to a browser, another site, and stays text."""

from __future__ import annotations

import json
import re
import shutil
import subprocess

import pytest

from bot.web.pages import STATIC

CASES = {
    "https://docs.example/a": True,
    "/tickets/SUP-1": True,
    "#cite-1": True,
    "//evil.example": False,
    "/\\evil.example": False,
    "/\\/evil.example": False,
    "javascript:alert(1)": False,
    "data:text/html,x": False,
}


def _safe_url_source() -> str:
    source = (STATIC / "chat.js").read_text()
    match = re.search(r"function safeUrl\(u\) \{.*?\n  \}", source, re.S)
    assert match, "safeUrl not found in chat.js"
    return match.group(0)


def test_the_renderer_refuses_links_that_leave_the_site() -> None:
    node = shutil.which("node") or shutil.which("nodejs")
    if node is None:
        pytest.skip("node is not installed")
    script = (
        _safe_url_source()
        + f"\nconst cases = {json.dumps(list(CASES))};"
        + "\nconsole.log(JSON.stringify(cases.map(function (u) { return safeUrl(u) !== null; })));"
    )
    out = subprocess.run(
        [node, "-e", script], capture_output=True, text=True, check=True, timeout=30
    )
    assert dict(zip(CASES, json.loads(out.stdout), strict=True)) == CASES


def test_citation_links_use_the_same_rule() -> None:
    source = (STATIC / "chat.js").read_text()
    assert "(?!\\/)" not in source  # the old test that let "/\\" through


def _function(name: str) -> str:
    source = (STATIC / "chat.js").read_text()
    match = re.search(rf"  function {name}\(.*?\n  \}}\n", source, re.S)
    assert match, f"{name} not found in chat.js"
    return match.group(0)


LINKED = {
    # A bare address in a Chinese sentence ends at the full-width full stop.
    "获取方法见 https://docs.example/zh/collect-logs。可以直接上传": (
        '获取方法见 <a href="https://docs.example/zh/collect-logs" target="_blank" '
        'rel="noopener noreferrer">https://docs.example/zh/collect-logs</a>。可以直接上传'
    ),
    "See https://docs.example/a?b=1&c=2.": (
        'See <a href="https://docs.example/a?b=1&amp;c=2" target="_blank" '
        'rel="noopener noreferrer">https://docs.example/a?b=1&amp;c=2</a>.'
    ),
    "[the guide](https://docs.example/g) and `https://in.code/x`": (
        '<a href="https://docs.example/g" target="_blank" rel="noopener noreferrer">the guide</a>'
        " and <code>https://in.code/x</code>"
    ),
    'a "https://x.example/q" b': (
        'a &quot;<a href="https://x.example/q" target="_blank" rel="noopener noreferrer">'
        "https://x.example/q</a>&quot; b"
    ),
    "javascript:alert(1) stays text": "javascript:alert(1) stays text",
}


def test_bare_addresses_become_links_that_end_where_the_sentence_goes_on() -> None:
    node = shutil.which("node") or shutil.which("nodejs")
    if node is None:
        pytest.skip("node is not installed")
    script = (
        _function("esc") + _function("safeUrl") + _function("inline")
        + f"\nconst cases = {json.dumps(list(LINKED))};"
        + "\nconsole.log(JSON.stringify(cases.map(function (t) { return inline(esc(t), 1); })));"
    )  # fmt: skip
    out = subprocess.run(
        [node, "-e", script], capture_output=True, text=True, check=True, timeout=30
    )
    assert dict(zip(LINKED, json.loads(out.stdout), strict=True)) == LINKED
