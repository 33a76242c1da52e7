"""An account's interaction entry (互动入口): what the register says, and what its page answers.

Read like a platform (:mod:`govcheck.extract.reading`): :func:`read_interaction` yields the
entry's URL to open and returns the ``interaction`` of the account observation
(docs/schema.md).

An entry with a web address is opened up to ``tries`` times (rules profile,
``new_media.interaction.attempts``), ``pause`` seconds apart, until it opens: one answer of a
busy server or of a moment's outage says nothing about the entry a visitor finds. What every
try answered decides (:func:`entry_state`); each try is kept in the evidence (``attempts``).
An entry without a web address is what the register says (:func:`unchecked_interaction`).
"""

from __future__ import annotations

import logging
from collections.abc import Generator, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from govcheck.extract.links import link_outcome
from govcheck.extract.reading import Fetch, Fetched
from govcheck.extract.wording import page_text
from govcheck.targets import InteractionEntry

__all__ = ["EntryCheck", "entry_outcome", "entry_state", "unchecked_interaction", "read_interaction"]

logger = logging.getLogger(__name__)

# interaction states (see the rules profile): ok, missing, broken, server_error, unknown and
# unrecorded (→ 待人工复核)


@dataclass(frozen=True)
class EntryCheck:
    """How an entry is checked: the profile's tries and pause, the settings' page texts, and
    whether the platform has comments and messages on every account."""

    tries: int = 1
    pause: float = 0.0
    gone_texts: tuple[str, ...] = ()  # INTERACTION_ERROR_TEXTS
    busy_texts: tuple[str, ...] = ()  # INTERACTION_BUSY_TEXTS
    builtin: bool = False


def entry_outcome(
    status: int, text: str, gone_texts: Iterable[str], busy_texts: Iterable[str]
) -> tuple[str, str]:
    """(state, detail) of one answer of an interaction entry: its status (read as the link
    checker reads it), then, for a 2xx answer, what its page says to a visitor (``text``).

    Never counts our own trouble against the account: a refusal (401/403/418/429 and other
    4xx: login walls, crawler blocks, rate limits) or a busy page is ``unknown`` with the reason.
    404/410 and a page saying the entry is gone are ``broken``; a standard server error
    (500–505) is ``server_error``: the server failed us this time, which does not say the
    entry is gone.
    """
    outcome = link_outcome(status, "", resolver_proven=True)
    if outcome == "broken" and status >= 500:
        return "server_error", f"HTTP {status}"
    if outcome == "broken":
        return "broken", f"HTTP {status}"
    if outcome != "ok":
        return "unknown", f"HTTP {status} (refused to us, e.g. a login wall, crawler block or rate limit: says nothing about the entry)"
    busy = next((t for t in busy_texts if t in text), "")
    if busy:
        return "unknown", f"the page says {busy} (busy: to be opened again later)"
    gone = next((t for t in gone_texts if t in text), "")
    if gone:
        return "broken", f"the page says {gone}"
    return "ok", ""


def entry_state(attempts: Sequence[Mapping[str, Any]]) -> tuple[str, str]:
    """(state, detail) of an interaction entry from its tries, in order (each with the
    ``state`` and ``detail`` of :func:`entry_outcome`, or ``unknown`` when we got no answer).

    ``ok`` when the last try opened it; ``broken`` only when every try said the entry is gone;
    ``server_error`` when every try failed on the far side and at least one was a server error
    (the rules profile says what that is worth); else ``unknown`` (some try met our own trouble
    or a refusal: what a visitor finds is not known).
    """
    last = attempts[-1]
    if last["state"] == "ok":
        return "ok", ""
    states = {a["state"] for a in attempts}
    if states == {"broken"}:
        state = "broken"
    elif states <= {"broken", "server_error"}:
        state = "server_error"
    else:
        state = "unknown"
    details = list(dict.fromkeys(str(a["detail"]) for a in attempts))
    if len(attempts) == 1:
        return state, details[0]
    if len(details) == 1:
        return state, f"{details[0]}, on each of {len(attempts)} tries"
    return state, f"{'; '.join(str(a['detail']) for a in attempts)} ({len(attempts)} tries)"


def unchecked_interaction(entry: InteractionEntry, builtin: bool) -> dict[str, Any]:
    """The interaction of an entry without a web address to open: what the register says.

    ``无`` (the office looked) → missing; a place in the app (菜单：留言) → ok, kept as
    written; not recorded → the platform's built-in comments and messages where it has them
    (``builtin``), else ``unrecorded`` (→ 待人工复核: nobody looked, so it is no proof of absence).
    """
    if entry.kind == "none":
        return {"state": "missing", "url": "", "entry": entry.text}
    if entry.kind == "in_app":
        return {"state": "ok", "url": "", "entry": entry.text, "in_app": True}
    if builtin:
        return {"state": "ok", "url": "", "builtin": True}
    return {"state": "unrecorded", "url": ""}


def _attempt(fetched: Fetched, check: EntryCheck) -> dict[str, Any]:
    """One try, as the evidence keeps it."""
    if fetched.status is None:
        # Our side could not reach the entry (timeout, network, a redirect loop, an answer not
        # followed): we cannot say it is broken.
        state, detail = "unknown", fetched.error
    else:
        state, detail = entry_outcome(fetched.status, page_text(fetched.text), check.gone_texts, check.busy_texts)
    return {"state": state, "url": fetched.url, "status": fetched.status, "detail": detail, "fetched_at": fetched.received_at}


def read_interaction(
    entry: InteractionEntry, found: bool | None, check: EntryCheck, account: str = ""
) -> Generator[Fetch, Fetched, dict[str, Any]]:
    """The account's ``interaction``: its registered entry opened (see the module docstring),
    or what the register says. An account the platform says is not there has no entry to judge."""
    if found is False:
        return {"state": "unknown", "url": entry.url}
    if entry.kind != "url":
        return unchecked_interaction(entry, check.builtin)
    attempts: list[dict[str, Any]] = []
    while True:
        # The entry is another site: its tries are ours (a pause apart, each kept as evidence),
        # not the retry middleware's.
        fetched = yield Fetch(entry.url, retry=False, delay=check.pause if attempts else 0.0)
        attempts.append(_attempt(fetched, check))
        if attempts[-1]["state"] == "ok" or len(attempts) >= check.tries:
            break
        logger.info("%s: interaction entry %s: %s, try %d of %d in %g s", account, attempts[-1]["url"],
                    attempts[-1]["detail"], len(attempts) + 1, check.tries, check.pause)
    state, detail = entry_state(attempts)
    last = attempts[-1]
    return {"state": state, "url": last["url"], "status": last["status"], "detail": detail,
            "attempts": [{k: a[k] for k in ("url", "status", "detail", "fetched_at")} for a in attempts]}
