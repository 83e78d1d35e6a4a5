"""Read ``deskbot.yaml`` and report problems with file, line, key and what is wrong."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from bot.config.model import OrgConfig, RefError
from bot.errors import ConfigError


def load_org_config(path: Path) -> OrgConfig:
    """Load and validate the organisation file; raise ConfigError naming the line."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such configuration file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read: {exc}") from None
    return parse_org_config(text, source=str(path))


def check_org_config(path: Path, *, today: dt.date | None = None) -> tuple[OrgConfig, list[str]]:
    """``deskbot config check``: load, build every SLA object, and list the warnings (as of
    ``today``) as ``file:line: key: message``. Raises ConfigError for anything that would fail
    later."""
    from bot.config.checks import build_all, review

    config = load_org_config(path)
    build_all(config)
    root = yaml.compose(path.read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
    lines = []
    for finding in review(config, today=today):
        line = _line_of(root, finding.loc)
        where = f"{path}:{line}" if line else str(path)
        lines.append(f"{where}: {_dotted(finding.loc)}: {finding.message}")
    return config, lines


def parse_org_config(text: str, *, source: str = "<config>") -> OrgConfig:
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f":{mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise ConfigError(f"{source}{where}: not valid YAML: {problem}") from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError(f"{source}:1: the top level must be a mapping of sections")
    try:
        return OrgConfig.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(_describe(exc, root, source)) from None


def _describe(exc: ValidationError, root: yaml.Node | None, source: str) -> str:
    lines = []
    for error in exc.errors():
        loc: tuple[Any, ...] = tuple(error["loc"])
        cause = (error.get("ctx") or {}).get("error")
        if isinstance(cause, RefError):
            loc, message = cause.loc, str(cause)
        else:
            message = _humane(error)
        line = _line_of(root, loc)
        key = _dotted(loc) or "(top level)"
        lines.append(f"{source}{f':{line}' if line else ''}: {key}: {message}")
    return "\n".join(lines[:10])


def _humane(error: Any) -> str:
    message = str(error["msg"])
    if error["type"] == "literal_error":
        allowed = message.removeprefix("Input should be ")
        return f"{error['input']!r} is not allowed; expected {allowed}"
    if error["type"] == "extra_forbidden":
        return "unknown key (check the spelling against deskbot.example.yaml)"
    return message.removeprefix("Value error, ")


def _dotted(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _line_of(root: yaml.Node | None, loc: tuple[Any, ...]) -> int | None:
    """The 1-based line of the deepest YAML node that ``loc`` reaches."""
    node = root
    best = node.start_mark.line + 1 if node is not None else None
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            nxt = next((v for k, v in node.value if k.value == str(part)), None)
            if nxt is None:
                break
            key_line = next(k.start_mark.line for k, v in node.value if v is nxt)
            node, best = nxt, key_line + 1
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            if part >= len(node.value):
                break
            node = node.value[part]
            best = node.start_mark.line + 1
        else:
            break
    return best
