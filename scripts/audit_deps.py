"""Audit the installed dependencies for known vulnerabilities with pip-audit (``make audit``).

pip-audit needs advisories from somewhere. In order:

1. ``DESKBOT_ADVISORY_DB`` names a folder of OSV records (``.yaml``/``.json``), such as a
   checkout of the PyPA advisory database (github.com/pypa/advisory-database): this script
   serves it to pip-audit on 127.0.0.1 as an OSV query API (``--osv-url``). Works offline;
   as fresh as the folder.
2. Otherwise PyPI's own vulnerability data (pip-audit's default service, which reads
   ``https://pypi.org/pypi/<name>/<version>/json``), when that answers.
3. Otherwise nothing can be audited. That is said loudly, never passed off as "no known
   vulnerabilities" (pip-audit alone would skip every package and report success); the exit
   code is 1 with ``DESKBOT_REQUIRE_AUDIT=1``, else 0.

Build machines here reach PyPI's package index but not its per-release JSON API nor OSV, so
case 3 is what CI sees unless a folder is provided (case 1).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import metadata
from pathlib import Path
from typing import Any

PIP_AUDIT = [sys.executable, "-m", "pip_audit", "--progress-spinner", "off"]


def main() -> int:
    folder = os.environ.get("DESKBOT_ADVISORY_DB", "").strip()
    if folder:
        return _audit_offline(Path(folder))
    if _pypi_answers():
        # deskbot itself (editable, not on PyPI) is the one package left out.
        return subprocess.call([*PIP_AUDIT, "--skip-editable"])
    print(
        "audit_deps: NOT AUDITED — PyPI's vulnerability data "
        "(https://pypi.org/pypi/<name>/<version>/json) and OSV are not reachable from here. "
        "Set DESKBOT_ADVISORY_DB to a checkout of the PyPA advisory database to audit offline.",
        file=sys.stderr,
    )
    return 1 if os.environ.get("DESKBOT_REQUIRE_AUDIT") == "1" else 0


def _pypi_answers() -> bool:
    version = metadata.version("pip")
    url = f"https://pypi.org/pypi/pip/{version}/json"
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # nosec B310: fixed https URL
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError, ValueError):
        return False


def _audit_offline(folder: Path) -> int:
    records = load_advisories(folder)
    if not records:
        print(f"audit_deps: no OSV records under {folder}", file=sys.stderr)
        return 1
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(records))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/v1/query"
        print(f"audit_deps: {sum(map(len, records.values()))} advisories from {folder}")
        return subprocess.call([*PIP_AUDIT, "--strict", "-s", "osv", "--osv-url", url])
    finally:
        server.shutdown()


def load_advisories(folder: Path) -> dict[str, list[dict[str, Any]]]:
    """OSV records by the (normalised) PyPI package name they affect."""
    import yaml

    out: dict[str, list[dict[str, Any]]] = {}
    for path in sorted(folder.rglob("*")):
        if path.suffix not in (".yaml", ".yml", ".json") or not path.is_file():
            continue
        try:
            text = path.read_text(encoding="utf-8")
            record = json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
        except (ValueError, yaml.YAMLError, UnicodeDecodeError):
            continue
        if not isinstance(record, dict) or "id" not in record:
            continue
        for affected in record.get("affected") or []:
            package = affected.get("package") or {}
            if package.get("ecosystem") == "PyPI" and package.get("name"):
                out.setdefault(_normalise(package["name"]), []).append(record)
    return out


def matching(records: dict[str, list[dict[str, Any]]], name: str, version: str) -> list[Any]:
    """The records that list ``version`` of ``name`` among their affected versions."""
    found = []
    for record in records.get(_normalise(name), []):
        for affected in record.get("affected") or []:
            package = affected.get("package") or {}
            if _normalise(str(package.get("name", ""))) != _normalise(name):
                continue
            if version in [str(v) for v in affected.get("versions") or []]:
                found.append(_jsonable(record))
                break
    return found


def _handler(records: dict[str, list[dict[str, Any]]]) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            query = json.loads(self.rfile.read(length) or b"{}")
            package = query.get("package") or {}
            vulns = matching(records, str(package.get("name", "")), str(query.get("version")))
            body = json.dumps({"vulns": vulns} if vulns else {}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            return

    return Handler


def _normalise(name: str) -> str:
    return name.lower().replace("_", "-").replace(".", "-")


def _jsonable(value: Any) -> Any:
    """YAML gives dates as date objects; OSV wants RFC 3339 text."""
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if hasattr(value, "isoformat"):
        text = value.isoformat()
        return text if "T" in text else text + "T00:00:00Z"
    return value


if __name__ == "__main__":
    raise SystemExit(main())
