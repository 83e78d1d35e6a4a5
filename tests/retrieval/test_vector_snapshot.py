"""The embedded index's snapshot: a new process searches without opening Chroma, and never
searches vectors older than the collection."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np

from retrieval import KnowledgeBase
from retrieval.vector_index import ChromaIndex


def _unit(rows: np.ndarray) -> np.ndarray:
    return (rows / np.linalg.norm(rows, axis=1, keepdims=True)).astype(np.float32)


def _index(tmp_path: Path) -> ChromaIndex:
    return ChromaIndex(path=tmp_path / "chroma", snapshot=tmp_path / "vectors.npz")


def test_saved_snapshot_answers_without_opening_chroma(tmp_path: Path) -> None:
    matrix = _unit(np.random.default_rng(3).standard_normal((300, 24)))
    ids = [f"c{i}" for i in range(len(matrix))]
    writer = _index(tmp_path)
    writer.upsert(ids, matrix)
    expected = writer.query_many(matrix[:5], 10)
    writer.save()
    writer.close()
    assert (tmp_path / "vectors.npz").is_file()

    reader = _index(tmp_path)
    got = reader.query_many(matrix[:5], 10)
    assert reader._client is None  # Chroma was never opened
    assert [[i for i, _ in hits] for hits in got] == [[i for i, _ in hits] for hits in expected]
    assert reader.count() == 300


def test_a_write_removes_the_snapshot_before_touching_the_collection(tmp_path: Path) -> None:
    matrix = _unit(np.random.default_rng(4).standard_normal((50, 24)))
    ids = [f"c{i}" for i in range(len(matrix))]
    writer = _index(tmp_path)
    writer.upsert(ids, matrix)
    writer.save()
    writer.upsert(["new"], matrix[:1])
    assert not (tmp_path / "vectors.npz").exists()
    writer.save()
    writer.delete(["new"])
    assert not (tmp_path / "vectors.npz").exists()
    writer.close()

    # Without a snapshot the collection itself is read: the deletion is seen.
    reader = _index(tmp_path)
    assert all(i != "new" for i, _ in reader.query(matrix[0], 50))


def test_a_damaged_snapshot_falls_back_to_the_collection(tmp_path: Path) -> None:
    matrix = _unit(np.random.default_rng(5).standard_normal((20, 24)))
    writer = _index(tmp_path)
    writer.upsert([f"c{i}" for i in range(20)], matrix)
    writer.save()
    writer.close()
    (tmp_path / "vectors.npz").write_bytes(b"PK\x03\x04 not a zip")
    reader = _index(tmp_path)
    assert reader.query(matrix[3], 1)[0][0] == "c3"


def test_a_shared_server_index_keeps_no_snapshot(tmp_path: Path) -> None:
    index = ChromaIndex(url="http://127.0.0.1:9", snapshot=tmp_path / "vectors.npz")
    assert index.snapshot is None


PROBE = """
import json, sys
from pathlib import Path
from retrieval import KnowledgeBase
kb = KnowledgeBase.open(Path(sys.argv[1]), embedder="hash")
hits = kb.search("how long does an access token last", k=3)
print(json.dumps({"hits": len(hits), "chromadb": "chromadb" in sys.modules}))
"""


def test_a_new_process_searches_an_ingested_index_without_chromadb(
    docs: Path, tmp_path: Path
) -> None:
    kb = KnowledgeBase.open(tmp_path / "index", embedder="hash")
    kb.ingest([docs])
    kb.close()
    done = subprocess.run(
        [sys.executable, "-c", PROBE, str(tmp_path / "index")],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report == {"hits": 3, "chromadb": False}
