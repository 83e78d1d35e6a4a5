"""MiniLM on ONNX Runtime: the PyTorch model's vectors, without torch in the process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from retrieval.embedder import MiniLMEmbedder, make_embedder
from retrieval.onnx_embedder import OnnxMiniLMEmbedder
from tests.retrieval.conftest import ExportedModels

REPO = Path(__file__).resolve().parents[2]
PASSAGES = [
    "Tokens expire after 24 hours; call renewToken() when tokenWillExpire fires.",
    "Screen sharing works in Chrome 72+, Edge 79+ and Firefox 66+ on desktop.",
    "ok",
    "Reconnect after the network drops: the SDK retries with exponential backoff. " * 12,
    "错误码 40104 表示令牌已过期",
]
QUESTION = "Does screen sharing work in Firefox? What is the maximum size of one message?"
PARTS = ["Does screen sharing work in Firefox?", "What is the maximum size of one message?"]


def test_backends_are_chosen_by_name_without_loading_anything(tmp_path: Path) -> None:
    default = make_embedder("minilm", model_dir=tmp_path)
    assert isinstance(default, OnnxMiniLMEmbedder) and default.precision == "fp32"
    assert default.name == MiniLMEmbedder.name  # the same vectors: the same index
    assert default.cache_tag == MiniLMEmbedder().cache_tag  # ... and the same cache
    int8 = make_embedder("minilm", backend="onnx-int8", model_dir=tmp_path)
    assert isinstance(int8, OnnxMiniLMEmbedder) and int8.precision == "int8"
    assert int8.name == "all-MiniLM-L6-v2-int8"  # other vectors: an index of its own
    assert isinstance(make_embedder("minilm", backend="torch"), MiniLMEmbedder)
    assert isinstance(make_embedder("minilm-torch", model_dir=tmp_path), MiniLMEmbedder)
    named = make_embedder("minilm-int8", model_dir=tmp_path)
    assert isinstance(named, OnnxMiniLMEmbedder) and named.precision == "int8"
    mixed = make_embedder("minilm", backend="onnx-mixed", model_dir=tmp_path)
    assert isinstance(mixed, OnnxMiniLMEmbedder) and mixed.precision == "mixed"
    assert mixed.name == "all-MiniLM-L6-v2-mixed"  # an index and a cache of its own
    assert mixed.cache_tag not in {default.cache_tag, int8.cache_tag}
    named = make_embedder("minilm-mixed", model_dir=tmp_path)
    assert isinstance(named, OnnxMiniLMEmbedder) and named.precision == "mixed"
    assert not any(tmp_path.iterdir())  # nothing exported until a text is embedded
    with pytest.raises(ValueError, match="backend"):
        make_embedder("minilm", backend="tensorflow", model_dir=tmp_path)
    with pytest.raises(ValueError, match="model_dir"):
        make_embedder("minilm")


@pytest.mark.slow
def test_the_export_runs_in_a_child_process(onnx_models: ExportedModels) -> None:
    assert not onnx_models.torch_in_caller


@pytest.mark.slow
def test_fp32_gives_the_pytorch_vectors(onnx_models: ExportedModels) -> None:
    torch_model = MiniLMEmbedder()
    onnx_model = OnnxMiniLMEmbedder(model_dir=onnx_models.folder, precision="fp32")
    cosines = (torch_model.embed_documents(PASSAGES) * onnx_model.embed_documents(PASSAGES)).sum(1)
    assert cosines.min() > 0.9999
    assert float(torch_model.embed_query(QUESTION) @ onnx_model.embed_query(QUESTION)) > 0.9999
    parts = (
        torch_model.embed_query_parts(QUESTION, PARTS)
        * onnx_model.embed_query_parts(QUESTION, PARTS)
    ).sum(1)
    assert parts.min() > 0.9999


@pytest.mark.slow
def test_int8_stays_close_and_ranks_alike(onnx_models: ExportedModels) -> None:
    reference = OnnxMiniLMEmbedder(model_dir=onnx_models.folder, precision="fp32")
    quantised = OnnxMiniLMEmbedder(model_dir=onnx_models.folder, precision="int8")
    docs_ref, docs_q = reference.embed_documents(PASSAGES), quantised.embed_documents(PASSAGES)
    cosines = (docs_ref * docs_q).sum(1)
    assert cosines.mean() > 0.98 and cosines.min() > 0.95  # "ok" (3 tokens) moves the most
    query = "how do I renew an expired token"
    order_ref = np.argsort(-docs_ref @ reference.embed_query(query))
    order_q = np.argsort(-docs_q @ quantised.embed_query(query))
    assert order_ref[0] == order_q[0] == 0


@pytest.mark.slow
def test_mixed_stays_closer_than_int8_and_ranks_alike(onnx_models: ExportedModels) -> None:
    reference = OnnxMiniLMEmbedder(model_dir=onnx_models.folder, precision="fp32")
    mixed = OnnxMiniLMEmbedder(model_dir=onnx_models.folder, precision="mixed")
    int8 = OnnxMiniLMEmbedder(model_dir=onnx_models.folder, precision="int8")
    docs_ref = reference.embed_documents(PASSAGES)
    docs_mixed, docs_int8 = mixed.embed_documents(PASSAGES), int8.embed_documents(PASSAGES)
    to_mixed, to_int8 = (docs_ref * docs_mixed).sum(1), (docs_ref * docs_int8).sum(1)
    assert to_mixed.mean() > 0.99 and to_mixed.min() > 0.97
    assert to_mixed.mean() > to_int8.mean()
    query = "how do I renew an expired token"
    order_ref = np.argsort(-docs_ref @ reference.embed_query(query))
    order_mixed = np.argsort(-docs_mixed @ mixed.embed_query(query))
    assert order_ref[0] == order_mixed[0] == 0


@pytest.mark.slow
def test_batches_side_by_side_give_the_same_vectors(onnx_models: ExportedModels) -> None:
    texts = [f"{p} ({n})" for n in range(6) for p in PASSAGES]  # many batches of two
    alone = OnnxMiniLMEmbedder(model_dir=onnx_models.folder, batch_size=2, workers=1)
    side_by_side = OnnxMiniLMEmbedder(model_dir=onnx_models.folder, batch_size=2, workers=3)
    both = (alone.embed_documents(texts) * side_by_side.embed_documents(texts)).sum(1)
    assert both.min() > 0.99999
    assert side_by_side.embed_documents(texts[:1]).shape == (1, 384)


def test_workers_default_to_the_cores(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    assert OnnxMiniLMEmbedder(model_dir=tmp_path).workers == 2
    assert OnnxMiniLMEmbedder(model_dir=tmp_path).query_threads == 2
    monkeypatch.setattr(os, "cpu_count", lambda: 64)
    assert OnnxMiniLMEmbedder(model_dir=tmp_path).workers == 4
    assert OnnxMiniLMEmbedder(model_dir=tmp_path).query_threads == 2
    monkeypatch.setattr(os, "cpu_count", lambda: None)
    assert OnnxMiniLMEmbedder(model_dir=tmp_path).workers == 1
    assert OnnxMiniLMEmbedder(model_dir=tmp_path).query_threads == 1
    assert OnnxMiniLMEmbedder(model_dir=tmp_path, workers=3).threads == 1


@pytest.mark.slow
def test_question_parts_come_from_one_pass(onnx_models: ExportedModels) -> None:
    embedder = OnnxMiniLMEmbedder(model_dir=onnx_models.folder, precision="int8")
    whole, screen, size = embedder.embed_query_parts(QUESTION, PARTS)
    assert float(whole @ embedder.embed_query(QUESTION)) == pytest.approx(1.0, abs=1e-4)
    alone = embedder.embed_documents(PARTS)
    assert float(screen @ alone[0]) > float(screen @ alone[1])
    assert float(size @ alone[1]) > float(size @ alone[0])


NO_TORCH_SCRIPT = """
import json, sys
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from bot.cli.main import app
from bot.service.app import create_app
from bot.settings import load_settings

runner = CliRunner()
ingest = runner.invoke(app, ["ingest", "--json"])
ask = runner.invoke(app, ["ask", "How do I renew an expired token?", "--json"])
with TestClient(create_app(load_settings())) as client:
    served = client.post("/api/docs/ask", json={"question": "How do I renew an expired token?"})
print(json.dumps({
    "ingest": ingest.exit_code, "ask": ask.exit_code, "served": served.status_code,
    "answer": json.loads(ask.stdout)["answer"] if ask.exit_code == 0 else ask.output,
    "torch": "torch" in sys.modules,
    "sentence_transformers": "sentence_transformers" in sys.modules,
}))
"""


@pytest.mark.slow
def test_ingest_ask_and_serve_never_import_torch(
    onnx_models: ExportedModels, tmp_path: Path
) -> None:
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("DESKBOT_", "OPENAI_", "SLACK_"))
    }
    env.update(
        DESKBOT_HOME=str(tmp_path / "home"),
        DESKBOT_MODEL_DIR=str(onnx_models.folder),
        DESKBOT_SCHEDULER="false",
        HF_HUB_OFFLINE="1",
    )
    done = subprocess.run(
        [sys.executable, "-c", NO_TORCH_SCRIPT],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["ingest"] == report["ask"] == 0 and report["served"] == 200
    assert "renew" in report["answer"].lower()
    assert report["torch"] is False and report["sentence_transformers"] is False


EXIT_SCRIPT = """
import sys, threading, time
from pathlib import Path
from retrieval.onnx_embedder import OnnxMiniLMEmbedder

embedder = OnnxMiniLMEmbedder(model_dir=Path(sys.argv[1]))
started = threading.Event()

def work():
    while True:
        embedder.embed_documents(["a passage long enough to keep the runtime busy " * 12] * 64)
        started.set()

threading.Thread(target=work, daemon=True).start()
started.wait(120)
"""


@pytest.mark.slow
def test_exit_while_a_thread_embeds_is_clean(onnx_models: ExportedModels) -> None:
    """The service's warm-up thread may still be embedding when the process stops: without
    waiting for it, ONNX Runtime aborts the process at exit."""
    done = subprocess.run(
        [sys.executable, "-c", EXIT_SCRIPT, str(onnx_models.folder)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr


def test_the_cli_knows_when_the_first_use_will_export(tmp_path: Path) -> None:
    from bot.knowledge import model_export_pending
    from bot.settings import Settings

    def pending(**values: str) -> bool:
        return model_export_pending(Settings(home=tmp_path, **values))  # type: ignore[arg-type]

    assert pending()
    assert pending(embedder_backend="onnx-int8")
    assert pending(embedder_backend="onnx-mixed")
    assert not pending(embedder_backend="torch")
    assert not pending(embedder="hash") and not pending(embedder="e5")


@pytest.mark.slow
def test_nothing_is_pending_once_exported(onnx_models: ExportedModels, tmp_path: Path) -> None:
    from bot.knowledge import model_export_pending
    from bot.settings import Settings

    assert not model_export_pending(Settings(home=tmp_path, model_dir=onnx_models.folder))
