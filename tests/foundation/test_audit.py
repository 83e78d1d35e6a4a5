"""scripts/audit_deps.py: the offline advisory folder is matched by exact affected version."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

REPO = Path(__file__).resolve().parents[2]
RECORD = """\
id: PYSEC-0000-1
summary: a test advisory
affected:
- package: {name: Some_Package, ecosystem: PyPI}
  ranges:
  - type: ECOSYSTEM
    events: [{introduced: "0"}, {fixed: "1.2.0"}]
  versions: ["1.0.0", "1.1.0"]
published: 2024-01-02
"""


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("audit_deps", REPO / "scripts/audit_deps.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_advisories_match_affected_versions_only(tmp_path: Path) -> None:
    (tmp_path / "vulns" / "some-package").mkdir(parents=True)
    (tmp_path / "vulns" / "some-package" / "PYSEC-0000-1.yaml").write_text(RECORD)
    audit = _script()
    records = audit.load_advisories(tmp_path)
    (found,) = audit.matching(records, "some-package", "1.1.0")
    assert found["id"] == "PYSEC-0000-1" and found["published"].startswith("2024-01-02T")
    assert audit.matching(records, "some_package", "1.2.0") == []
    assert audit.matching(records, "other", "1.1.0") == []


def test_without_any_source_it_says_not_audited(monkeypatch: object, capsys: object) -> None:
    audit = _script()
    audit._pypi_answers = lambda: False  # type: ignore[attr-defined]
    assert audit.main() == 0
    assert "NOT AUDITED" in capsys.readouterr().err  # type: ignore[attr-defined]
