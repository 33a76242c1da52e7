"""Starting the console (``govcheck serve``) with uvicorn, on loopback unless told otherwise."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from govcheck.console.app import ConsoleConfig, create_app
from govcheck.console.security import is_loopback
from govcheck.console.users import load_users
from govcheck.store import Store

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8020
# Sessions are signed with this secret; without it each start makes a new one (everyone signs in again).
SECRET_VARIABLE = "GOVCHECK_CONSOLE_SECRET"


class ServeError(ValueError):
    """The console cannot start as asked (said plainly, no traceback)."""


def console_config(store: Store, host: str, users_file: Path | None, out: Path, office: Any = None) -> ConsoleConfig:
    """Off loopback a users file is required: every page then asks for a login."""
    login_required = not is_loopback(host)
    if login_required and users_file is None:
        raise ServeError(
            f"bound to {host}, the console asks every visitor to log in: give --users FILE "
            "(add users with govcheck serve --users FILE --add-user NAME), or bind to 127.0.0.1"
        )
    users = load_users(users_file) if users_file is not None else {}
    if login_required and not users:
        raise ServeError(f"{users_file}: no users: add one with govcheck serve --users {users_file} --add-user NAME")
    secret = os.environ.get(SECRET_VARIABLE)
    config = ConsoleConfig(store=store, login_required=login_required, users=users, out=out, office=office)
    if secret:
        config.secret = secret
    return config


def serve(config: ConsoleConfig, host: str, port: int) -> None:
    import uvicorn

    uvicorn.run(create_app(config), host=host, port=port, log_level="info", proxy_headers=False, server_header=False)
