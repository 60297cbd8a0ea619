"""Small fixture corpora a test writes for itself: file name -> text, in a fresh folder."""

from __future__ import annotations

from pathlib import Path


def write_corpus(folder: Path, files: dict[str, str]) -> Path:
    folder.mkdir(parents=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder
