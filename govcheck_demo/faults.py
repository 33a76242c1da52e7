"""Faults of our own making for the tests and the fault bench: a gzip bomb a hostile server
sends, and the page-reading workers of a running round, for a test to kill as the kernel's OOM
killer would."""

from __future__ import annotations

import gzip
from pathlib import Path

__all__ = ["gzip_bomb", "page_reading_workers"]

MIB = 1024 * 1024


def gzip_bomb(members: int = 64) -> bytes:
    """About 16 KiB of gzip per member, each unpacking to 16 MiB of zeros (64: 1 MB → 1 GiB)."""
    return gzip.compress(b"\0" * (16 * MIB), compresslevel=9) * members


def page_reading_workers(parent: int) -> list[int]:
    """The pids of the worker processes spawned under ``parent`` (govcheck.parsing's pool;
    multiprocessing's resource tracker is not one), read from /proc."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry.name))
    workers, queue = [], [parent]
    while queue:
        for child in children.get(queue.pop(), []):
            queue.append(child)
            try:
                command = Path(f"/proc/{child}/cmdline").read_bytes().replace(b"\0", b" ")
            except OSError:
                continue
            if b"spawn_main" in command and b"resource_tracker" not in command:
                workers.append(child)
    return workers
