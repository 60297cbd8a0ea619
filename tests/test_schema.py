"""The OpenAPI document is the whole rule: schemathesis, run against a real `assistant serve` with every check,
finds no server error, no response that breaks the schema, no request the schema allows that is refused and no
request it forbids that is served."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from .servers import running_server

ROOT = Path(__file__).resolve().parent.parent
SCHEMATHESIS = Path(sys.executable).parent / "schemathesis"


def test_schemathesis_finds_nothing(tmp_path):
    """`schemathesis run --checks all` (bounded examples, fixed seed): 0 failures, 0 errors."""
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "warehouse.md").write_text(
        "# Warehouse\n\nThe Kerman warehouse stores blankets for the winter response, the IRCS said in May 2025.\n",
        encoding="utf-8")
    env = {**os.environ, "ASSISTANT_DATA_DIR": str(tmp_path / "data"), "ASSISTANT_DOCUMENTS_DIR": str(folder),
           "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "ASSISTANT_RATE_LIMIT": ""}  # 429s are not its subject
    ingested = subprocess.run([sys.executable, "-m", "assistant.cli", "ingest", str(folder)], env=env, cwd=ROOT,
                              capture_output=True, text=True, timeout=300)
    assert ingested.returncode == 0, ingested.stderr
    # whether an uploaded file can be read is decided by its bytes, which no schema describes: a schema-valid
    # upload of bytes that are no document is answered 4xx with its reason, and that is correct
    config = tmp_path / "schemathesis.toml"
    config.write_text('[[operations]]\ninclude-path = "/documents"\ninclude-method = "POST"\n'
                      'checks.positive_data_acceptance.expected-statuses = '
                      '["2xx", "400", "401", "403", "404", "409", "413", "415", "429", "5xx"]\n', encoding="utf-8")
    with running_server(env) as base:
        run = subprocess.run(
            [str(SCHEMATHESIS), "--config-file", str(config), "run", base + "/openapi.json", "--checks", "all",
             "--max-examples", "25", "--seed", "1", "--no-color"],
            cwd=tmp_path, capture_output=True, text=True, timeout=300,  # its example database stays in tmp_path
        )
    summary = run.stdout[run.stdout.rfind("SUMMARY"):]
    print(summary)
    assert run.returncode == 0, run.stdout[-6000:]
    assert "passed" in summary and "failure" not in summary.replace("0 failures", "") and "Errors" not in summary
