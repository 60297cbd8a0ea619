"""Progress of long work, on a terminal only."""

from __future__ import annotations

import sys


class ProgressBar:
    """A tqdm bar on a terminal, nothing otherwise (logs and pipes stay clean)."""

    def __init__(self, description: str, unit: str) -> None:
        self.description, self.unit = description, unit

    def __enter__(self):
        self._bar = None
        return self.update if sys.stderr.isatty() else None

    def update(self, done: int, total: int) -> None:
        if self._bar is None:
            from tqdm import tqdm

            self._bar = tqdm(total=total, unit=self.unit, desc=self.description, file=sys.stderr)
        self._bar.update(done - self._bar.n)

    def __exit__(self, *exc):
        if self._bar is not None:
            self._bar.close()
