"""Speed and memory of the assistant, measured the way a user meets them.

1. Ingestion throughput of a whole `assistant ingest` process against a process running the embedding model alone
   on the same chunk texts (ClapNQ passages as files).
2. A no-op re-ingest of documents/ (a real `assistant ingest` process, wall time).
3. POST /chat latency (p50, p95) after warm-up and the server's memory, over real HTTP.

    .venv/bin/python benchmarks/speed.py [--passages N] [--requests N] [--repeats N] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from server import memory_mb, running_server  # noqa: E402  (benchmarks/server.py, beside this script)

CLAPNQ = ROOT.parent / "shared" / "data" / "clapnq"
QUESTIONS = [
    "What was agreed on CBRN readiness?",
    "Who proposed a trilateral meeting?",
    "Where was the RFL course held?",
    "When is the second conference on rehabilitation planned?",
    "Which provinces did Alishvandi mention?",
    "What does the IRCS expect from the ICRC?",
    "When was the memorandum of understanding signed?",
    "How many refugees received rehabilitation services in 2025?",
]


def passages(limit: int) -> list[tuple[str, str]]:
    """Distinct ClapNQ passages (answerable questions' first, then unanswerable ones'): 597 in all."""
    seen, out = set(), []
    for name in ("clapnq_dev_answerable.jsonl", "clapnq_dev_unanswerable.jsonl"):
        for line in (CLAPNQ / name).read_text(encoding="utf-8").splitlines():
            for p in json.loads(line)["passages"]:
                if p["text"] not in seen:
                    seen.add(p["text"])
                    out.append((p["title"], p["text"]))
    return out[:limit]


def ingestion(limit: int, repeats: int) -> dict:
    """A whole `assistant ingest` process into a fresh index, then a process running the bare model on the same
    chunk texts (load, then embed in the batches ingest uses); interleaved, `repeats` times, both wall clock.

    The ingest process reads, chunks, finds statements and people, embeds every sentence (and, with
    ASSISTANT_CHUNK_VECTORS=chunks, every chunk), and writes Chroma, the catalog and BM25. On a 2-core machine
    single runs move by 20% or more with other load; the medians are reported."""
    from index.catalog import Catalog

    ingest_rates, model_rates, ratios = [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "clapnq"
        corpus.mkdir()
        for i, (title, text) in enumerate(passages(limit)):
            (corpus / f"{i:04d}.md").write_text(f"---\ntitle: {json.dumps(title)}\ntype: wiki\n---\n{text}\n")
        for run in range(repeats):
            data = Path(tmp) / f"data{run}"
            env = {**os.environ, "ASSISTANT_DATA_DIR": str(data)}
            started = time.perf_counter()
            out = subprocess.run([sys.executable, "-m", "assistant.cli", "ingest", str(corpus), "--json"], cwd=ROOT,
                                 env=env, check=True, capture_output=True, text=True)
            ingest_seconds = time.perf_counter() - started
            report = json.loads(out.stdout)
            catalog = Catalog(data / "catalog.sqlite3")
            texts = [(catalog.text(doc_id) or "")[start:end] for doc_id, start, end in catalog._db.execute(
                'SELECT document_id, start, "end" FROM chunks ORDER BY document_id, start')]
            catalog.close()
            (Path(tmp) / "texts.json").write_text(json.dumps(texts))
            started = time.perf_counter()
            subprocess.run([sys.executable, str(ROOT / "benchmarks" / "bare_model.py"), str(Path(tmp) / "texts.json")],
                           cwd=ROOT, env=env, check=True)
            model_seconds = time.perf_counter() - started
            ingest_rates.append(len(texts) / ingest_seconds)
            model_rates.append(len(texts) / model_seconds)
            ratios.append(model_seconds / ingest_seconds)
    return {
        "files": report["added"], "chunks": len(texts), "repeats": repeats,
        "ingest_chunks_per_s": round(statistics.median(ingest_rates), 2),
        "model_chunks_per_s": round(statistics.median(model_rates), 2),
        "ratio": round(statistics.median(ratios), 3),
        "ratios": [round(r, 3) for r in ratios],
    }


def noop_reingest() -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "ASSISTANT_DATA_DIR": tmp, "ASSISTANT_RATE_LIMIT": ""}
        command = [sys.executable, "-m", "assistant.cli", "ingest", "documents", "--json"]
        subprocess.run(command, cwd=ROOT, env=env, check=True, capture_output=True)
        times = []
        for _ in range(3):
            started = time.perf_counter()
            out = subprocess.run(command, cwd=ROOT, env=env, check=True, capture_output=True, text=True)
            times.append(time.perf_counter() - started)
            assert json.loads(out.stdout)["unchanged"] > 0
    return {"noop_reingest_s_median": round(statistics.median(times), 3), "runs": [round(t, 3) for t in times]}


def chat(requests: int) -> dict:
    import httpx

    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "ASSISTANT_DATA_DIR": tmp, "ASSISTANT_RATE_LIMIT": ""}
        subprocess.run([sys.executable, "-m", "assistant.cli", "ingest", "documents"], cwd=ROOT, env=env,
                       check=True, capture_output=True)
        with running_server(env) as (server, base, _):
            with httpx.Client(timeout=30) as client:
                for q in QUESTIONS:  # warm-up: each question once
                    client.post(base + "/chat", json={"message": q}).raise_for_status()
                latencies = []
                for i in range(requests):
                    started = time.perf_counter()
                    client.post(base + "/chat", json={"message": QUESTIONS[i % len(QUESTIONS)]}).raise_for_status()
                    latencies.append((time.perf_counter() - started) * 1000)
            memory = memory_mb(server.pid)
    latencies.sort()
    return {
        "chat_requests": requests,
        "chat_p50_ms": round(statistics.median(latencies), 1),
        "chat_p95_ms": round(latencies[int(0.95 * (len(latencies) - 1))], 1),
        "server_rss_mb": memory["rss_mb"], "server_peak_rss_mb": memory["peak_rss_mb"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--passages", type=int, default=1000, help="at most this many distinct ClapNQ passages")
    parser.add_argument("--requests", type=int, default=80)
    parser.add_argument("--repeats", type=int, default=3, help="ingest/model runs; medians are reported")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    results = {"machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"}
    results.update(ingestion(args.passages, args.repeats))
    results.update(noop_reingest())
    results.update(chat(args.requests))
    print(json.dumps(results, indent=None if args.json else 2))


if __name__ == "__main__":
    main()
