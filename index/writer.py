"""One writer at a time, across processes: the write lock of a data directory.

`assistant ingest` and the server's upload worker both change the catalog, Chroma and the keyword index of the same
data directory; two at once would interleave their pending/ready marks and keyword rebuilds. Each takes this lock
(a file lock, `filelock`, released by the operating system if the holder dies) around its whole write. A second
writer waits up to `wait` seconds, then fails with a message that says who to wait for. Readers never take it: they
keep answering from the views they loaded, and read the index again once the writer has finished.
"""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from filelock import FileLock, Timeout

from .errors import IndexBusy

LOCK_NAME = "write.lock"


class WriteLock:
    def __init__(self, data_dir: Path, wait: float = 10.0) -> None:
        Path(data_dir).mkdir(parents=True, exist_ok=True)
        self.path = Path(data_dir) / LOCK_NAME
        self.wait = wait
        self._lock = FileLock(str(self.path), thread_local=False)

    @contextmanager
    def held(self) -> Iterator[None]:
        """Hold the lock for the duration of the block, or raise IndexBusy after waiting `wait` seconds."""
        try:
            self._lock.acquire(timeout=self.wait)
        except Timeout:
            raise IndexBusy(
                f"another writer (an `assistant ingest` or a server's upload) is changing the index in "
                f"{self.path.parent}; waited {self.wait:g} s. Try again when it has finished."
            ) from None
        try:
            yield
        finally:
            self._lock.release()
