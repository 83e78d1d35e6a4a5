"""Cold start of the CLI and memory of the service, per embedding backend, in one run.

    .venv/bin/python scripts/bench_cold_start.py [--repeat 3] [--backends torch,onnx]

Each backend gets a home with the sample knowledge base ingested (not timed); then each
command runs as a fresh process, the backends interleaved round by round so a busy machine
hurts them alike, and the JSON reports the median wall time and peak memory (whole process,
``ru_maxrss``) of:

- ``deskbot --help`` (the floor: Python, typer, settings);
- ``deskbot ask QUESTION --json`` on each backend (imports, model load, one answer);
- ``deskbot ask QUESTION --json --server URL`` against a running ``deskbot serve`` (onnx);
- the serving process itself: resident memory after it warmed up and answered questions.

Ratios are torch over each other backend. The ONNX export (a first use's one-time cost) is
timed on its own, in a fresh model folder unless ``--model-dir`` names a ready one.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
QUESTION = "How do I renew an expired token?"
SERVED_QUESTIONS = [
    QUESTION,
    "How long does a self-service plan upgrade take?",
    "怎么升级套餐？",
    "What is the maximum size of one message?",
]


def run_measured(args: list[str], env: dict[str, str]) -> tuple[float, float, str]:
    """Wall seconds, peak resident MB and stdout of one fresh process."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        started = time.perf_counter()
        pid = os.posix_spawn(args[0], args, env, file_actions=_redirect(out, err))
        _, status, usage = os.wait4(pid, 0)
        seconds = time.perf_counter() - started
        out.seek(0)
        err.seek(0)
        if os.waitstatus_to_exitcode(status) != 0:
            raise RuntimeError(f"{' '.join(args[1:])} failed: {err.read().strip()[-500:]}")
        return seconds, usage.ru_maxrss / 1024, out.read()


def _redirect(out: Any, err: Any) -> list[tuple[Any, ...]]:
    return [
        (os.POSIX_SPAWN_DUP2, out.fileno(), 1),
        (os.POSIX_SPAWN_DUP2, err.fileno(), 2),
        (os.POSIX_SPAWN_OPEN, 0, "/dev/null", os.O_RDONLY, 0),
    ]


def base_env(home: Path, backend: str, model_dir: Path) -> dict[str, str]:
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("DESKBOT_", "OPENAI_", "SLACK_"))
    }
    env.update(
        DESKBOT_HOME=str(home),
        DESKBOT_EMBEDDER_BACKEND=backend,
        DESKBOT_MODEL_DIR=str(model_dir),
        DESKBOT_SCHEDULER="false",
        DESKBOT_LOG_LEVEL="WARNING",
        HF_HUB_OFFLINE="1",
        TOKENIZERS_PARALLELISM="false",
    )
    return env


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def vm_kb(pid: int, field: str) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return 0.0


def post(url: str, body: dict[str, Any]) -> dict[str, Any]:
    request = urllib.request.Request(
        url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        result: dict[str, Any] = json.loads(response.read())
        return result


def start_server(env: dict[str, str]) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    proc = subprocess.Popen(
        [str(BIN / "deskbot"), "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        try:
            post(url + "/api/docs/search", {"query": "getting started", "k": 1})
            return proc, url
        except OSError:
            if proc.poll() is not None:
                raise RuntimeError("deskbot serve exited") from None
            time.sleep(0.3)
    proc.terminate()
    raise RuntimeError("deskbot serve did not come up")


def stop(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def median(values: list[float]) -> float:
    return round(statistics.median(values), 3)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--backends", default="torch,onnx", help="comma-separated; first: base")
    parser.add_argument("--model-dir", type=Path, default=None, help="an exported ONNX cache")
    parser.add_argument("--no-server", action="store_true", help="skip the serve measurements")
    args = parser.parse_args()
    backends = [b.strip() for b in args.backends.split(",") if b.strip()]
    deskbot = str(BIN / "deskbot")
    result: dict[str, Any] = {
        "question": QUESTION,
        "repeat": args.repeat,
        "cpus": os.cpu_count(),
        "load_average_at_start": os.getloadavg()[0],
    }
    with tempfile.TemporaryDirectory(prefix="deskbot-cold-") as scratch:
        work = Path(scratch)
        model_dir = args.model_dir or work / "models"
        envs = {b: base_env(work / f"home-{b}", b, model_dir) for b in backends}
        if any(b.startswith("onnx") for b in backends):
            # The first use of the ONNX backend exports the model: timed once, on its own.
            started = time.perf_counter()
            subprocess.run(
                [sys.executable, "-c", "import sys; from pathlib import Path; "
                 "from retrieval.onnx_export import prepare_minilm; "
                 "prepare_minilm(Path(sys.argv[1]))", str(model_dir)],
                check=True, cwd=ROOT,
            )  # fmt: skip
            result["onnx_export_seconds"] = round(time.perf_counter() - started, 1)
        for backend, env in envs.items():
            seconds, _, _ = run_measured([deskbot, "ingest", "--json"], env)
            result.setdefault("sample_ingest_seconds", {})[backend] = round(seconds, 2)

        timings: dict[str, list[float]] = {}
        peaks: dict[str, list[float]] = {}

        def record(label: str, argv: list[str], env: dict[str, str]) -> str:
            seconds, peak, out = run_measured(argv, env)
            timings.setdefault(label, []).append(seconds)
            peaks.setdefault(label, []).append(peak)
            return out

        answers: dict[str, Any] = {}
        server = None
        if not args.no_server and "onnx" in envs:
            server = start_server(envs["onnx"])
        try:
            for _ in range(args.repeat):
                record("help", [deskbot, "--help"], envs[backends[0]])
                for backend, env in envs.items():
                    out = record(f"ask_{backend}", [deskbot, "ask", QUESTION, "--json"], env)
                    answers[backend] = json.loads(out)["citations"][:1]
                if server is not None:
                    served_args = [deskbot, "ask", QUESTION, "--json", "--server", server[1]]
                    record("ask_server", served_args, envs["onnx"])
            if server is not None:
                proc, url = server
                for question in SERVED_QUESTIONS * 5:
                    post(url + "/api/docs/ask", {"question": question})
                result["serve_onnx_rss_mb"] = round(vm_kb(proc.pid, "VmRSS"), 1)
                result["serve_onnx_peak_rss_mb"] = round(vm_kb(proc.pid, "VmHWM"), 1)
        finally:
            if server is not None:
                stop(server[0])
        if "torch" in envs and not args.no_server:
            proc, url = start_server(envs["torch"])
            try:
                for question in SERVED_QUESTIONS * 5:
                    post(url + "/api/docs/ask", {"question": question})
                result["serve_torch_rss_mb"] = round(vm_kb(proc.pid, "VmRSS"), 1)
                result["serve_torch_peak_rss_mb"] = round(vm_kb(proc.pid, "VmHWM"), 1)
            finally:
                stop(proc)

    result["seconds_median"] = {k: median(v) for k, v in timings.items()}
    result["peak_rss_mb_median"] = {k: round(statistics.median(v), 1) for k, v in peaks.items()}
    result["seconds_all"] = {k: [round(x, 3) for x in v] for k, v in timings.items()}
    result["first_citation"] = answers
    base = f"ask_{backends[0]}"
    result["speedup_over_" + backends[0]] = {
        k: round(result["seconds_median"][base] / max(v, 1e-9), 2)
        for k, v in result["seconds_median"].items()
        if k.startswith("ask_") and k != base
    }
    if "ask_onnx" in result["seconds_median"]:
        result["targets"] = {
            "cold_ask_le_1_5s": result["seconds_median"]["ask_onnx"] <= 1.5,
            "cold_ask_4x_faster": result["speedup_over_" + backends[0]].get("ask_onnx", 0) >= 4,
        }
        if "serve_onnx_rss_mb" in result:
            result["targets"]["serve_rss_le_350mb"] = result["serve_onnx_rss_mb"] <= 350
    print(json.dumps(result, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
