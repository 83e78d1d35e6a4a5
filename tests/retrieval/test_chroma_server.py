"""The production vector store: a real ``chroma run`` server on loopback, reached by URL
(``DESKBOT_CHROMA_URL``), not the embedded client."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from retrieval import KnowledgeBase
from retrieval.vector_index import ChromaIndex, IndexError_

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def chroma_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    chroma = shutil.which("chroma") or str(Path(sys.executable).with_name("chroma"))
    port = _free_port()
    data = tmp_path_factory.mktemp("chroma-server")
    server = subprocess.Popen(
        [chroma, "run", "--path", str(data), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/api/v2/heartbeat", timeout=1):
                    break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail("chroma run did not start")
                time.sleep(0.2)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=20)


def test_ingest_search_and_reingest_against_a_chroma_server(
    docs: Path, tmp_path: Path, chroma_url: str
) -> None:
    kb = KnowledgeBase.open(tmp_path / "index", embedder="hash", chroma_url=chroma_url)
    report = kb.ingest([docs])
    assert report.added == 7 and report.chunks > 0
    # The vectors live on the server, not in an embedded store under the index folder.
    assert not (tmp_path / "index" / "chroma").exists()
    import chromadb  # here, not at collection time: it is a slow import

    host, port = chroma_url.removeprefix("http://").split(":")
    server = chromadb.HttpClient(host=host, port=int(port))
    (collection,) = server.list_collections()
    assert collection.count() == kb.vectors.count() >= report.chunks
    assert kb.search("PigeonClient connect", k=1)[0].source == "quickstart.mdx"
    kb.close()

    # A second process (another web worker) sees the same index through the server.
    again = KnowledgeBase.open(tmp_path / "index", embedder="hash", chroma_url=chroma_url)
    assert again.ingest([docs]).embedded == 0
    (docs / "limits.rst").unlink()
    assert again.ingest([docs]).removed == 1
    assert all(h.source != "limits.rst" for h in again.search("maximum message size", k=10))
    again.close()


def test_an_unreachable_server_is_a_clear_error() -> None:
    index = ChromaIndex(url=f"http://127.0.0.1:{_free_port()}", collection="nowhere")
    with pytest.raises(IndexError_, match="vector index unavailable"):
        index.count()
    # A search (which first copies the collection for exact search) says the same.
    with pytest.raises(IndexError_, match="vector index unavailable"):
        index.query(np.ones(4, dtype=np.float32), 5)
