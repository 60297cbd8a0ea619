"""Query latency and throughput at 1k, 10k and 100k chunks, over real HTTP, with the server's memory.

    .venv/bin/python benchmarks/scale.py [--sizes 1000 10000 100000] [--requests 100] [--clients 8] [--json]

The larger corpora are built from the ClapNQ passages (../shared/data/clapnq). Each synthetic chunk joins a run
of 2 to 4 consecutive sentences of one passage with 1 or 2 sentences of another, so that the texts are distinct;
ten chunks make a document. Each distinct sentence is embedded once by the model, and a chunk's vector is the
normalised mean of its sentences' vectors: what `assistant ingest` stores by default (ASSISTANT_CHUNK_VECTORS=
sentences), so the index holds the vectors ingest would give these texts. The chunks, their sentence vectors and
speakers, and each document's statements and people are written with the project's own stores (catalog, Chroma,
BM25), and the index is served by `assistant serve`. Questions are the ClapNQ questions (the server keeps no
answers, so a repeated question is answered anew).

Measured per size: `/chat` p50/p95 for one client in sequence (and its throughput), then 8 concurrent clients for
`--seconds` (throughput, p50/p95, errors) while a ninth polls `/health` (its p50/p95), and the server's RSS.
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import os
import platform
import sys
import threading
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from server import memory_mb, running_server  # noqa: E402  (benchmarks/server.py, beside this script)

CLAPNQ = ROOT.parent / "shared" / "data" / "clapnq"
WORK = ROOT / ".data" / "bench-scale"


def clapnq() -> tuple[list[list[str]], list[str]]:
    """Distinct passages as lists of sentences, and all questions."""
    passages, seen, questions = [], set(), []
    for name in ("clapnq_dev_answerable.jsonl", "clapnq_dev_unanswerable.jsonl"):
        for line in (CLAPNQ / name).read_text(encoding="utf-8").splitlines():
            raw = json.loads(line)
            questions.append(raw["input"])
            for p in raw["passages"]:
                if p["text"] not in seen and p.get("sentences"):
                    seen.add(p["text"])
                    passages.append([s.strip() for s in p["sentences"] if s.strip()])
    return passages, questions


def sentence_vectors(embedder, sentences: list[str]) -> np.ndarray:
    """Every distinct sentence embedded once; kept under .data/ for the next run."""
    key = hashlib.sha256("\n".join(sentences).encode("utf-8")).hexdigest()[:16]
    cache = WORK / f"sentences-{key}.npy"
    if cache.exists():
        return np.load(cache)
    WORK.mkdir(parents=True, exist_ok=True)
    vectors = np.vstack([embedder.embed(sentences[i:i + 256]) for i in range(0, len(sentences), 256)])
    np.save(cache, vectors)
    return vectors


def build(size: int, passages: list[list[str]], index_of: dict[str, int], vectors: np.ndarray) -> Path:
    """An index of `size` synthetic chunks under .data/bench-scale/SIZE (reused when already complete)."""
    from assistant.assemble import open_index
    from assistant.settings import Settings
    from index.attribute import people
    from index.catalog import ChunkFacts
    from index.document import Chunk, Document, chunk_id, document_id
    from index.facts import chunks_version, document_facts, speaker_row
    from index.ingest import FACTS_VERSION
    from index.statements import extract

    folder = WORK / str(size)
    if (folder / "complete").exists():
        return folder
    import shutil

    shutil.rmtree(folder, ignore_errors=True)
    index = open_index(Settings(data_dir=folder))
    rng = np.random.default_rng(size)
    started, batch, batch_vectors, facts, written = time.perf_counter(), [], [], [], 0
    for d in range(0, size, 10):
        source = f"bench/{size}/{d // 10:06d}.md"
        doc_id = document_id(source)
        texts, spans, chunk_vectors, sentence_rows = [], [], [], []
        for _ in range(min(10, size - d)):
            a, b = rng.integers(len(passages), size=2)
            n = int(rng.integers(2, 5))
            first = int(rng.integers(0, max(1, len(passages[a]) - n + 1)))
            chosen = passages[a][first:first + n] + passages[b][: int(rng.integers(1, 3))]
            texts.append(" ".join(chosen))
            spans.append(chosen)
            rows = vectors[[index_of[s] for s in chosen]]
            sentence_rows.append(rows)
            mean = rows.mean(axis=0)
            chunk_vectors.append(mean / np.linalg.norm(mean))
        text, chunks, offset = "", [], 0
        for position, (chunk_text, sentences) in enumerate(zip(texts, spans)):
            start = len(text)
            offsets, at = [], start
            for s in sentences:
                offsets.append((at, at + len(s)))
                at += len(s) + 1
            chunks.append(Chunk(chunk_id(doc_id, position, chunk_text), doc_id, position, chunk_text, start,
                                start + len(chunk_text), tuple(offsets)))
            text += chunk_text + "\n\n"
            offset += 1
        document = Document(doc_id, source, text, f"Synthetic document {d // 10}", "wikipedia", None,
                            hashlib.sha256(text.encode()).hexdigest())
        known = people(text)
        facts += [ChunkFacts(c.id, doc_id, c.start, c.end, c.sentences,
                             tuple(speaker_row(text, s, e, known) for s, e in c.sentences), rows)
                  for c, rows in zip(chunks, sentence_rows)]
        batch.append((document, chunks))
        batch_vectors += chunk_vectors
        if len(batch_vectors) >= 2000 or d + 10 >= size:
            for document_, _ in batch:
                index.catalog.begin(document_)
            index.store.add(batch, np.vstack(batch_vectors).astype(np.float32))
            index.catalog.set_chunks(facts)
            for document_, chunks_ in batch:
                index.catalog.complete(document_, len(chunks_), chunks_version(True))
                index.catalog.set_statements(document_.id, extract(document_), FACTS_VERSION, document_facts(document_))
            facts = []
            written += len(batch_vectors)
            batch, batch_vectors = [], []
            print(f"  {size}: {written} chunks written ({time.perf_counter() - started:.0f} s)", file=sys.stderr)
    index.keywords.rebuild(index.store.rows(), index.catalog.generation())
    index.catalog.close()
    (folder / "complete").write_text(f"{size} chunks, built in {time.perf_counter() - started:.0f} s\n")
    return folder


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return round(ordered[max(0, int(np.ceil(q / 100 * len(ordered))) - 1)], 1)


def measure(folder: Path, questions: list[str], requests: int, clients: int, seconds: float) -> dict:
    import httpx

    # no rate limit: the benchmark is the heavy user the limit is for
    env = {**os.environ, "ASSISTANT_DATA_DIR": str(folder), "ASSISTANT_RATE_LIMIT": ""}
    questions = itertools.cycle(questions)  # the server keeps no answers: a repeated question is answered anew
    with running_server(env) as (server, base, health):
        with httpx.Client(timeout=120) as client:
            for _ in range(5):  # warm-up
                client.post(base + "/chat", json={"message": next(questions)}).raise_for_status()
            latencies = []
            started = time.perf_counter()
            for _ in range(requests):
                asked = time.perf_counter()
                client.post(base + "/chat", json={"message": next(questions)}).raise_for_status()
                latencies.append((time.perf_counter() - asked) * 1000)
            one_client_rps = requests / (time.perf_counter() - started)
        loaded, errors, health_ms = [], [], []
        lock, stop = threading.Lock(), time.perf_counter() + seconds

        def worker() -> None:
            with httpx.Client(timeout=120) as client:
                while time.perf_counter() < stop:
                    with lock:
                        q = next(questions)
                    asked = time.perf_counter()
                    try:
                        ok = client.post(base + "/chat", json={"message": q}).status_code == 200
                    except httpx.HTTPError:
                        ok = False
                    (loaded if ok else errors).append((time.perf_counter() - asked) * 1000)

        def poll_health() -> None:
            with httpx.Client(timeout=30) as client:
                while time.perf_counter() < stop:
                    asked = time.perf_counter()
                    client.get(base + "/health").raise_for_status()
                    health_ms.append((time.perf_counter() - asked) * 1000)
                    time.sleep(0.1)

        threads = [threading.Thread(target=worker) for _ in range(clients)] + [threading.Thread(target=poll_health)]
        started = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.perf_counter() - started
        memory = memory_mb(server.pid)
    return {
        "chunks": health["chunks"], "documents": health["documents"],
        "p50_ms": percentile(latencies, 50), "p95_ms": percentile(latencies, 95), "requests": len(latencies),
        "one_client_rps": round(one_client_rps, 2),
        "concurrent_clients": clients, "concurrent_seconds": round(elapsed, 1), "concurrent_requests": len(loaded),
        "errors": len(errors), "throughput_rps": round(len(loaded) / elapsed, 2),
        "speedup": round(len(loaded) / elapsed / one_client_rps, 2),
        "concurrent_p50_ms": percentile(loaded, 50), "concurrent_p95_ms": percentile(loaded, 95),
        "health_p50_ms": percentile(health_ms, 50), "health_p95_ms": percentile(health_ms, 95), **memory,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument("--requests", type=int, default=100, help="sequential requests for p50/p95")
    parser.add_argument("--clients", type=int, default=8, help="concurrent clients")
    parser.add_argument("--seconds", type=float, default=60, help="how long the concurrent clients ask")
    parser.add_argument("--build-only", action="store_true", help="build (or keep) the indexes, measure nothing")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    from index.embed import SentenceTransformerEmbedder, packaged_model_path

    passages, questions = clapnq()
    sentences = sorted({s for p in passages for s in p})
    index_of = {s: i for i, s in enumerate(sentences)}
    embedder = SentenceTransformerEmbedder(packaged_model_path(), device=os.environ.get("ASSISTANT_DEVICE", "auto"))
    started = time.perf_counter()
    vectors = sentence_vectors(embedder, sentences)
    print(f"{len(sentences)} sentences embedded or loaded in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    rng = np.random.default_rng(0)
    questions = [questions[i] for i in rng.permutation(len(questions))]
    results = {"machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
               "device": embedder.device, "sizes": []}
    for size in args.sizes:
        started = time.perf_counter()
        folder = build(size, passages, index_of, vectors)
        print(f"{size}: index ready in {time.perf_counter() - started:.0f} s", file=sys.stderr)
        if args.build_only:
            continue
        results["sizes"].append(measure(folder, questions, args.requests, args.clients, args.seconds))
        print(json.dumps(results["sizes"][-1]), file=sys.stderr)
    print(json.dumps(results, indent=None if args.json else 2))


if __name__ == "__main__":
    main()
