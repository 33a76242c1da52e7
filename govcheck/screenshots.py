"""Screenshots of rendered pages, kept beside the round's observations as evidence.

A page read in a browser (Playwright or Splash) is stored once per round, target and page:
in GridFS (bucket ``screenshots``) when the store is MongoDB (FerretDB 1.24 included), else
as a file ``GOVCHECK_DATA_DIR/screenshots/<round>/<target kind>/<target name>/<page>.png``
beside the embedded store. The observation refers to it with the reference returned by
:func:`save_screenshot`::

    {"store": "gridfs", "id": "65f0…", "filename": "2024-1/site/渭南市交通运输局/column-通知公告.png",
     "sha256": "…", "bytes": 48211, "taken_at": datetime}
    {"store": "file", "path": "screenshots/2024-1/site/渭南市交通运输局/column-通知公告.png", …}

Re-running a round replaces a page's screenshot instead of adding one: the new one is
written first and only then are the earlier ones removed (a file is replaced in one rename),
so an interrupted write leaves the old screenshot or the new one, never none.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Mapping
from datetime import datetime
from pathlib import PurePosixPath
from typing import Any

from bson import ObjectId
from gridfs import GridFSBucket

from govcheck.store import Store

BUCKET = "screenshots"
FOLDER = "screenshots"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# characters that file systems or URLs refuse or misread in a path part
UNSAFE = re.compile(r'[\\/:*?"<>|\s\x00-\x1f]+')


def screenshot_name(round_id: str, target_key: str, kind: str, key: str) -> str:
    """The screenshot's relative name, e.g. ``2024-1/site/渭南市交通运输局/column-通知公告.png``."""
    page = kind if key == kind else f"{kind}-{key}"
    parts = [round_id, *target_key.split(":", 1), page]
    return "/".join(_safe(part) for part in parts) + ".png"


def save_screenshot(
    store: Store, round_id: str, target_key: str, kind: str, key: str, png: bytes, taken_at: datetime
) -> dict[str, Any]:
    """Stores the PNG screenshot of one page of a round (replacing an earlier one) and returns
    the reference the page's observation keeps."""
    if not png.startswith(PNG_SIGNATURE):
        raise ValueError(f"screenshot of {target_key} {kind} {key!r} in round {round_id}: not a PNG image")
    name = screenshot_name(round_id, target_key, kind, key)
    reference: dict[str, Any] = {"sha256": hashlib.sha256(png).hexdigest(), "bytes": len(png), "taken_at": taken_at}
    database = store.mongo_database
    if database is None:
        return {"store": "file", "path": _write_file(store, name, png), **reference}
    bucket = GridFSBucket(database, bucket_name=BUCKET)
    identity = {"round": round_id, "target_key": target_key, "kind": kind, "key": key}
    earlier = [stored._id for stored in bucket.find({f"metadata.{field}": value for field, value in identity.items()})]
    file_id = bucket.upload_from_stream(name, png, metadata={**identity, **reference, "content_type": "image/png"})
    for stored_id in earlier:
        bucket.delete(stored_id)
    return {"store": "gridfs", "id": str(file_id), "filename": name, **reference}


def load_screenshot(store: Store, reference: Mapping[str, Any]) -> bytes:
    """The PNG bytes an observation's ``screenshot`` reference points at."""
    if reference.get("store") == "gridfs":
        database = store.mongo_database
        if database is None:
            raise ValueError(f"screenshot {reference.get('filename')} is in GridFS, but this store is not MongoDB")
        return GridFSBucket(database, bucket_name=BUCKET).open_download_stream(ObjectId(reference["id"])).read()
    if reference.get("store") == "file":
        if store.folder is None:
            raise ValueError(f"screenshot {reference.get('path')} is a file of the embedded store, but this store is MongoDB")
        return (store.folder / reference["path"]).read_bytes()
    raise ValueError(f"not a screenshot reference: {dict(reference)!r}")


def _write_file(store: Store, name: str, png: bytes) -> str:
    assert store.folder is not None
    relative = str(PurePosixPath(FOLDER, name))
    path = store.folder / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
    partial.write_bytes(png)
    os.replace(partial, path)  # one rename: the old file or the new one, never half of one
    return relative


def _safe(part: str) -> str:
    """A path part without separators or characters file systems refuse; when it had to be
    changed, a short hash of the original keeps two different names apart."""
    cleaned = UNSAFE.sub("_", part).strip("._") or "_"
    if cleaned != part:
        cleaned += "-" + hashlib.sha1(part.encode("utf-8")).hexdigest()[:8]
    return cleaned

