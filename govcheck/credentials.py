"""Operator credentials (platform cookies and tokens, Splash's login): where they are read from.

A credential is the environment variable of its name, else the key of the same name in lower
case (with or without its ``govcheck_`` prefix) of the YAML file named by the setting
``GOVCHECK_SECRETS_FILE``. Values are never logged and never stored: callers hand them only to
the host they are for. A secrets file that cannot be read is logged by kind of error only.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import yaml
from scrapy.settings import BaseSettings


def secret_value(settings: BaseSettings, name: str, logger: Any = None) -> Any:
    """The credential as given: a string from the environment, any YAML value from the file, or None."""
    value = os.environ.get(name, "").strip()
    if value:
        return value
    secrets_file = settings.get("GOVCHECK_SECRETS_FILE")
    if not secrets_file:
        return None
    try:
        secrets = yaml.safe_load(Path(secrets_file).read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as error:
        if logger is not None:
            logger.error("secrets file %s could not be read (%s)", secrets_file, type(error).__name__)
        return None
    if not isinstance(secrets, dict):
        return None
    for key in (name.lower(), name.lower().removeprefix("govcheck_")):
        if secrets.get(key):
            return secrets[key]
    return None


def secret(settings: BaseSettings, name: str, logger: Any = None) -> str:
    """The credential as text ("" when none is given)."""
    value = secret_value(settings, name, logger)
    return str(value).strip() if value is not None else ""
