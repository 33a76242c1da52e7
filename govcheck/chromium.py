"""How Chromium is launched for pages that need a browser: sandboxed, and quiet.

**Sandbox.** Chromium renders pages we do not trust; its sandbox keeps a compromised renderer
from the machine. It runs only as a non-root user (as root, Chromium refuses to start unless
told ``--no-sandbox``), and Playwright turns it off unless asked (``chromium_sandbox``).
GOVCHECK_CHROMIUM_SANDBOX (govcheck/settings.py): ``auto`` (the default) sandboxes whenever
govcheck does not run as root, and as root launches with ``--no-sandbox`` and a warning in the
log; True always sandboxes (as root Chromium then fails to start, which says so); False never
does (warned too). A non-root user needs unprivileged user namespaces, or Debian's setuid
helper, for the sandbox (docs/deploy.md).

**Quiet.** Debian's Chromium calls Google's hosts of its own accord (accounts, component and
safe-browsing updates, translation, field trials) whatever page it shows. :data:`QUIET_ARGS`
turn those off; they are in PLAYWRIGHT_LAUNCH_OPTIONS. In tests and the demo, where nothing may
leave loopback, GOVCHECK_CHROMIUM_LOOPBACK_ONLY adds :data:`LOOPBACK_ONLY_ARGS`: every host
name but localhost and the loopback addresses (127.*, the latency web's hosts) resolves to nothing, and every request not to a loopback address goes to a
proxy on a closed loopback port (Chromium sends loopback requests direct), so neither a page
nor the browser itself reaches out, IP addresses included.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from typing import Any

__all__ = ["QUIET_ARGS", "LOOPBACK_ONLY_ARGS", "runs_as_root", "launch_options"]

logger = logging.getLogger(__name__)

QUIET_ARGS = (
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-extensions",
    "--disable-domain-reliability",
    "--disable-client-side-phishing-detection",
    "--disable-breakpad",
    "--no-first-run",
    "--no-default-browser-check",
    "--no-pings",
    "--safebrowsing-disable-auto-update",
    "--password-store=basic",
    "--disable-features=OptimizationHints,OptimizationGuideModelDownloading,Translate,MediaRouter,"
    "DialMediaRouteProvider,AutofillServerCommunication,CertificateTransparencyComponentUpdater,"
    "InterestFeedContentSuggestions,SafeBrowsingEnhancedProtection,PrivacySandboxSettings4,"
    "AcceptCHFrame,NetworkTimeServiceQuerying",
)
# Port 1 on loopback: nothing listens there, so a request sent to this proxy fails at once.
CLOSED_PROXY = "http://127.0.0.1:1"
LOOPBACK_ONLY_ARGS = (
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.*",
    f"--proxy-server={CLOSED_PROXY}",
)
NO_SANDBOX = "--no-sandbox"


def runs_as_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


def wants_sandbox(setting: Any, as_root: bool) -> bool:
    """GOVCHECK_CHROMIUM_SANDBOX: ``auto`` (or unset) → not as root; else its truth value."""
    if setting is None or str(setting).strip().lower() in ("", "auto"):
        return not as_root
    if isinstance(setting, bool):
        return setting
    return str(setting).strip().lower() in ("1", "true", "yes", "on")


def launch_options(
    configured: Mapping[str, Any], sandbox_setting: Any = "auto", loopback_only: bool = False, as_root: bool | None = None
) -> dict[str, Any]:
    """PLAYWRIGHT_LAUNCH_OPTIONS with the sandbox decided and, when ``loopback_only``, the
    arguments that keep Chromium on loopback (not the proxy one when a proxy is configured:
    that proxy is the test's or the office's own guard)."""
    as_root = runs_as_root() if as_root is None else as_root
    options = dict(configured)
    args = [a for a in options.get("args") or () if a != NO_SANDBOX]
    sandbox = wants_sandbox(sandbox_setting, as_root)
    options["chromium_sandbox"] = sandbox
    if not sandbox:
        args.append(NO_SANDBOX)
        why = "govcheck runs as root" if as_root else "GOVCHECK_CHROMIUM_SANDBOX is off"
        logger.warning(
            "Chromium renders pages without its sandbox (%s): run govcheck as a non-root user (docs/deploy.md)", why
        )
    if loopback_only:
        for arg in LOOPBACK_ONLY_ARGS:
            if arg.startswith("--proxy-server=") and options.get("proxy"):
                continue
            if arg not in args:
                args.append(arg)
    options["args"] = args
    return options
