"""A real `assistant serve` on a free port of 127.0.0.1, for the benchmark scripts."""

from __future__ import annotations

import sys
from contextlib import contextmanager
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tests.servers import free_port, running  # noqa: E402  (the one start-and-wait helper)


@contextmanager
def running_server(env: dict, timeout: float = 300):
    """Starts `assistant serve` with `env`, waits for /health; yields (process, base URL, health), then stops it."""
    base = f"http://127.0.0.1:{(port := free_port())}"
    with running([sys.executable, "-m", "assistant.cli", "serve", "--port", str(port)], base + "/health",
                 env=env, timeout=timeout) as process:
        yield process, base, httpx.get(base + "/health", timeout=10).json()


def memory_mb(pid: int) -> dict:
    """Resident and peak resident memory of a process, in MB."""
    fields = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines())
    return {"rss_mb": int(fields["VmRSS"].split()[0]) // 1024, "peak_rss_mb": int(fields["VmHWM"].split()[0]) // 1024}
