"""Documents through the API, measured against a real `assistant serve` over a copy of documents/:

1. hostile uploads (zip bomb, malformed and truncated files, oversized, wrong type): server crashes, index changes
   (the admin's listing and /health before and after each), and the server's resident memory, sampled every 50 ms
   and its peak (VmHWM) at the end;
2. a 20-page PDF: the bare model's ingest of it (Index.ingest in this process, model loaded), against the upload
   through POST /documents until a question cites it;
3. /chat latency, p50 and p95, idle and while uploads are being indexed; and three 2,000-character questions.

    .venv/bin/python benchmarks/documents.py [--questions 60] [--json]

Targets (issue 15): 0 crashes, 0 index changes, RSS never above 1.5 GB during the hostile set; the PDF visible to
questions within the bare ingest time + 2 s; /chat p95 unchanged while an upload is being indexed.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

from server import ROOT, memory_mb, running_server

sys.path.insert(0, str(ROOT))
from tests.test_documents import HOSTILE  # noqa: E402  (the hostile files of the upload tests)

ADMIN = {"Authorization": "Bearer bench-admin"}
QUESTIONS = [
    "What was agreed on CBRN readiness?", "Where was the RFL course held?", "Who proposed a second conference?",
    "What does CBRN stand for?", "When did the ICRC and IRCS meet in Tehran?",
]
LONG_QUESTIONS = [  # 2,000 characters each: the longest question the API takes
    ("What was agreed on CBRN readiness and " + "on the training of volunteers in first aid, " * 60)[:1999] + "?",
    "Where was the RFL course held? " * 64 + "Where?"[:2000 - 31 * 64],
    ("ICRC IRCS " * 200)[:2000],
]
PDF_TOPICS = ["flood shelters in Khuzestan", "mobile clinics in Sistan", "blood donation drives in Isfahan",
              "rescue dogs trained in Mashhad", "water tanks installed in Kerman"]


def pdf_pages(pages: int, closing: str) -> bytes:
    """A PDF of `pages` pages of distinct sentences (fpdf2, a test dependency)."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_font("Helvetica", size=11)
    for page in range(1, pages + 1):
        pdf.add_page()
        topic = PDF_TOPICS[page % len(PDF_TOPICS)]
        for line in range(1, 19):
            pdf.multi_cell(0, 6, f"Page {page}, item {line}: the regional team reviewed {topic} and counted "
                                 f"{page * 100 + line} kits delivered in week {line} of the operation.",
                           new_x="LMARGIN", new_y="NEXT")
    pdf.add_page()
    pdf.multi_cell(0, 6, closing)
    return bytes(pdf.output())


def snapshot(client: httpx.Client, base: str) -> tuple:
    listing = client.get(base + "/documents", params={"limit": 500}, headers=ADMIN).json()["documents"]
    health = client.get(base + "/health", headers=ADMIN).json()
    return sorted((d["id"], d["indexed_at"], d["chunks"]) for d in listing), health["documents"], health["chunks"]


def sample_rss(pid: int, stop: threading.Event, peak: list[int]) -> None:
    while not stop.is_set():
        try:
            peak[0] = max(peak[0], memory_mb(pid)["rss_mb"])
        except (OSError, KeyError):
            return
        time.sleep(0.05)


def ask_times(client: httpx.Client, base: str, n: int) -> list[float]:
    times = []
    for i in range(n):
        started = time.perf_counter()
        reply = client.post(base + "/chat", json={"message": QUESTIONS[i % len(QUESTIONS)]}, headers=ADMIN)
        reply.raise_for_status()
        times.append(time.perf_counter() - started)
    return times


def percentiles(times: list[float]) -> dict:
    ordered = sorted(times)
    return {"n": len(times), "p50_s": round(statistics.median(ordered), 3),
            "p95_s": round(ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))], 3)}


def bare_ingest_seconds(pdf: Path, work: Path) -> float:
    """Index.ingest of the PDF alone into a fresh index, the model loaded first (what the upload adds to)."""
    from assistant.assemble import open_index
    from assistant.settings import Settings

    index = open_index(Settings(data_dir=work / "bare"))
    index.embedder.embed(["warm"])
    warm = work / "warm" / "warm.md"  # Chroma, the keyword index and the catalog opened before the clock starts
    warm.parent.mkdir()
    warm.write_text("# Warm\n\nThe Rasht branch repaired a roof.\n", encoding="utf-8")
    index.ingest([warm])
    started = time.perf_counter()
    report = index.ingest([pdf], prune=False)
    assert report.added, report.failed
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--questions", type=int, default=60)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    results: dict = {}
    with tempfile.TemporaryDirectory(prefix="issue-15-bench-") as tmp:
        work = Path(tmp)
        corpus = work / "documents"
        shutil.copytree(ROOT / "documents", corpus)
        pdf = work / "pdf" / "field-report.pdf"
        pdf.parent.mkdir()
        pdf.write_bytes(pdf_pages(20, "The Lorestan branch received exactly 4321 thermal blankets from the Hamadan "
                                      "warehouse."))
        load = pdf_pages(20, "The Qeshm branch painted its two boats in July.")  # the same size, another fact
        results["bare_ingest_s"] = round(bare_ingest_seconds(pdf, work), 2)
        env = {**os.environ, "ASSISTANT_DATA_DIR": str(work / "data"), "ASSISTANT_API_KEYS": "bench-admin:admin",
               "ASSISTANT_RATE_LIMIT": "", "ASSISTANT_MAX_UPLOAD_MB": "1", "HF_HUB_OFFLINE": "1",
               "TRANSFORMERS_OFFLINE": "1", "PYTHONPATH": str(ROOT)}
        import subprocess

        subprocess.run([sys.executable, "-m", "assistant.cli", "ingest", str(corpus)], env=env, cwd=ROOT,
                       check=True, capture_output=True, timeout=600)
        with running_server(env) as (process, base, _), httpx.Client(timeout=300) as client:
            # 1. hostile uploads
            stop, peak = threading.Event(), [0]
            sampler = threading.Thread(target=sample_rss, args=(process.pid, stop, peak))
            sampler.start()
            crashes = changes = 0
            statuses = {}
            for name, (make, _, _) in sorted(HOSTILE.items()):
                before = snapshot(client, base)
                try:
                    reply = client.post(base + "/documents", files=[("files", (name, make()))], headers=ADMIN)
                    statuses[name] = reply.status_code
                except httpx.TransportError:
                    statuses[name] = "no reply"
                if process.poll() is not None:
                    crashes += 1
                    break
                changes += snapshot(client, base) != before
            stop.set()
            sampler.join()
            results["hostile"] = {"files": len(HOSTILE), "statuses": statuses, "crashes": crashes,
                                  "index_changes": changes, "server_rss_max_mb": peak[0],
                                  "server_peak_rss_mb": memory_mb(process.pid)["peak_rss_mb"]}

            # 3a. /chat idle (before any upload, so the index is the same in both runs)
            ask_times(client, base, 1)  # the first question after start-up reads the index
            idle = ask_times(client, base, args.questions)
            long_times = []
            for question in LONG_QUESTIONS:
                started = time.perf_counter()
                client.post(base + "/chat", json={"message": question}, headers=ADMIN).raise_for_status()
                long_times.append(round(time.perf_counter() - started, 3))
            results["chat_2000_characters_s"] = long_times
            # 3b. /chat while uploads are being indexed: the PDF again and again, under new names
            busy_stop, uploads = threading.Event(), []

            def keep_uploading() -> None:
                with httpx.Client(timeout=300) as uploader:
                    n = 0
                    while not busy_stop.is_set():
                        started = time.perf_counter()
                        r = uploader.post(base + "/documents", headers=ADMIN,
                                          files=[("files", (f"load-{n}.pdf", load))])
                        uploads.append((r.status_code, time.perf_counter() - started))
                        n += 1

            loader = threading.Thread(target=keep_uploading)
            loader.start()
            time.sleep(0.5)
            busy = ask_times(client, base, args.questions)
            busy_stop.set()
            loader.join()
            results["chat"] = {"idle": percentiles(idle), "while_uploading": percentiles(busy),
                               "uploads_during": len(uploads),
                               "upload_statuses": sorted({s for s, _ in uploads})}

            # 2. the 20-page PDF: upload, then a question that only it answers
            started = time.perf_counter()
            reply = client.post(base + "/documents", files=[("files", ("field-report.pdf", pdf.read_bytes()))],
                                headers=ADMIN)
            uploaded = time.perf_counter() - started
            assert reply.status_code == 201, reply.text
            doc_id = reply.json()["documents"][0]["id"]
            answer = client.post(base + "/chat", json={"message": "How many thermal blankets did the Lorestan branch "
                                                                  "receive?"}, headers=ADMIN).json()
            visible = time.perf_counter() - started
            results["pdf_20_pages"] = {
                "bytes": pdf.stat().st_size, "upload_s": round(uploaded, 2), "upload_and_cited_s": round(visible, 2),
                "cited": any(c["document_id"] == doc_id and "4321" in c["quote"] for c in answer["citations"]),
                "target_s": round(results["bare_ingest_s"] + 2, 2),
            }
    if args.json:
        print(json.dumps(results, indent=2))
    else:
        for key, value in results.items():
            print(f"{key}: {json.dumps(value)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
