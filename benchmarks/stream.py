"""Time to the first streamed event, and what the OpenAI-compatible endpoint adds over POST /chat.

A real `assistant serve` on the sample documents (extractive default), over real HTTP, after each question is
asked once. Each round asks one question four ways, in an order that alternates between rounds:
POST /chat (JSON), POST /chat streamed (server-sent events), /v1/chat/completions (JSON) and streamed.
The overhead is the median of the paired differences /v1 minus /chat within a round.

    .venv/bin/python benchmarks/stream.py [--rounds N] [--llm BASE_URL] [--json]

With --llm the server's answers are written by that OpenAI-compatible server (ASSISTANT_LLM__BASE_URL) and checked;
`--llm smollm2` starts the test suite's llama.cpp server with SmolLM2-135M for the run.
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

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from server import running_server  # noqa: E402  (benchmarks/server.py, beside this script)
from speed import QUESTIONS  # noqa: E402


def first_event_ms(client: httpx.Client, url: str, body: dict) -> tuple[float, float]:
    """Milliseconds to the first server-sent event line, and to the end of the stream."""
    started = time.perf_counter()
    first = None
    with client.stream("POST", url, json=body, headers={"Accept": "text/event-stream"}) as response:
        response.raise_for_status()
        for line in response.iter_lines():
            if first is None and (line.startswith("event:") or line.startswith("data:")):
                first = time.perf_counter()
    end = time.perf_counter()
    return (first - started) * 1000, (end - started) * 1000


def whole_ms(client: httpx.Client, url: str, body: dict) -> float:
    started = time.perf_counter()
    client.post(url, json=body).raise_for_status()
    return (time.perf_counter() - started) * 1000


def percentile(values: list[float], q: float) -> float:
    values = sorted(values)
    return round(values[int(q * (len(values) - 1))], 1)


def measure(rounds: int, llm: str | None = None) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "ASSISTANT_DATA_DIR": tmp, "ASSISTANT_RATE_LIMIT": ""}
        if llm:
            env.update(ASSISTANT_LLM__BASE_URL=llm, ASSISTANT_LLM__TIMEOUT="120")
        subprocess.run([sys.executable, "-m", "assistant.cli", "ingest", "documents"], cwd=ROOT, env=env,
                       check=True, capture_output=True)
        with running_server(env) as (_, base, health), httpx.Client(timeout=60) as client:
            def chat(q):
                return {"message": q}

            def openai(q, stream=False):
                return {"model": "partnership-assistant", "stream": stream, "messages": [{"role": "user", "content": q}]}

            ways = {
                "chat": lambda q: whole_ms(client, base + "/chat", chat(q)),
                "chat_stream": lambda q: first_event_ms(client, base + "/chat", {**chat(q), "stream": True}),
                "v1": lambda q: whole_ms(client, base + "/v1/chat/completions", openai(q)),
                "v1_stream": lambda q: first_event_ms(client, base + "/v1/chat/completions", openai(q, True)),
            }
            for q in QUESTIONS:  # warm-up: each question once each way
                for way in ways.values():
                    way(q)
            times: dict[str, list] = {name: [] for name in ways}
            for i in range(rounds):
                q = QUESTIONS[i % len(QUESTIONS)]
                order = list(ways) if i % 2 == 0 else list(reversed(ways))
                for name in order:
                    times[name].append(ways[name](q))
    first = [t[0] for t in times["chat_stream"]]
    v1_first = [t[0] for t in times["v1_stream"]]
    overhead = [b - a for a, b in zip(times["chat"], times["v1"])]
    stream_overhead = [b[0] - a[0] for a, b in zip(times["chat_stream"], times["v1_stream"])]
    return {
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "corpus": health, "rounds": rounds, "llm": llm,
        "chat_stream_first_event_p50_ms": percentile(first, 0.5),
        "chat_stream_first_event_p95_ms": percentile(first, 0.95),
        "chat_stream_done_p50_ms": percentile([t[1] for t in times["chat_stream"]], 0.5),
        "chat_json_p50_ms": percentile(times["chat"], 0.5),
        "v1_json_p50_ms": percentile(times["v1"], 0.5),
        "v1_stream_first_event_p50_ms": percentile(v1_first, 0.5),
        "v1_over_chat_json_median_ms": round(statistics.median(overhead), 2),
        "v1_over_chat_stream_first_event_median_ms": round(statistics.median(stream_overhead), 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=80)
    parser.add_argument("--llm", help="base URL of an OpenAI-compatible server, or 'smollm2' to start one")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    if args.llm == "smollm2":
        from tests.llm_server import running_llm_server

        with running_llm_server() as base:
            results = measure(args.rounds, base)
    else:
        results = measure(args.rounds, args.llm)
    print(json.dumps(results, indent=None if args.json else 2))


if __name__ == "__main__":
    main()
