"""/health latency while clients send hostile messages: a real `assistant serve` over documents/, N clients
posting 2,000-character messages built to make backtracking patterns blow up, and one prober timing /health.

    .venv/bin/python benchmarks/health.py [--clients 8] [--seconds 20] [--json]

Target (issue 12): p95 of /health at most 50 ms with 8 clients.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

from server import ROOT, running_server

HOSTILE = [
    "What did the IRCS say about " + "a  " * 655 + "?",
    "about " + " " * 1990 + "?x",
    "what about" + " " * 1985 + "?x",
    "and " + " " * 1990 + "x?y",
    "in " * 660 + "?x",
]


def hammer(base: str, stop: threading.Event, replies: list[int]) -> None:
    with httpx.Client(timeout=120) as client:
        n = 0
        while not stop.is_set():
            message = HOSTILE[n % len(HOSTILE)][:2000]
            replies.append(client.post(base + "/chat", json={"message": message}).status_code)
            n += 1


def probe(base: str, seconds: float) -> list[float]:
    timings = []
    with httpx.Client(timeout=30) as client:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            started = time.perf_counter()
            assert client.get(base + "/health").status_code == 200
            timings.append(time.perf_counter() - started)
            time.sleep(0.05)
    return timings


def measure(env: dict, clients: int, seconds: float) -> dict:
    with running_server(env) as (_, base, _health):
        idle = probe(base, 2)
        stop, replies = threading.Event(), []
        workers = [threading.Thread(target=hammer, args=(base, stop, replies)) for _ in range(clients)]
        for worker in workers:
            worker.start()
        time.sleep(1)  # every client has a question in flight
        loaded = probe(base, seconds)
        stop.set()
        for worker in workers:
            worker.join()
    quantile = lambda xs, q: statistics.quantiles(xs, n=100)[q - 1] * 1000  # noqa: E731
    return {
        "clients": clients, "seconds": seconds, "questions_answered": len(replies),
        "question_statuses": sorted(set(replies)), "health_requests": len(loaded),
        "health_idle_p95_ms": round(quantile(idle, 95), 1),
        "health_p50_ms": round(quantile(loaded, 50), 1), "health_p95_ms": round(quantile(loaded, 95), 1),
        "health_max_ms": round(max(loaded) * 1000, 1),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "documents"
        shutil.copytree(ROOT / "documents", corpus)
        env = {**os.environ, "ASSISTANT_DATA_DIR": str(Path(tmp) / "data"), "ASSISTANT_DOCUMENTS_DIR": str(corpus),
               "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "ASSISTANT_RATE_LIMIT": ""}
        subprocess.run([sys.executable, "-m", "assistant.cli", "ingest", str(corpus)], env=env, cwd=ROOT,
                       check=True, capture_output=True)
        result = measure(env, args.clients, args.seconds)
    print(json.dumps(result) if args.json else "\n".join(f"{k}: {v}" for k, v in result.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
