"""What the store says when it cannot do what was asked (govcheck.store, govcheck.embedded)."""

from __future__ import annotations


class StoreError(RuntimeError):
    """The store could not be reached or refused an operation."""


class StoreWriteError(StoreError):
    """The store refused a write for a reason of its own, not the document's: a full disk, a
    read-only folder or file, an I/O error, a server's refusal. The message starts with where
    the store is (the embedded store's file, or the server) and gives the cause."""
