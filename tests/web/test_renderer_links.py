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
