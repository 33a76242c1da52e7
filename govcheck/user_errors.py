"""What the operator asked or gave that cannot be done: the CLI prints it without a traceback."""

from __future__ import annotations


class UserError(Exception):
    """A problem with what the operator asked or gave; printed without a traceback.

    ``exit_code``: 1, or 2 for a command line that cannot be run as written (as argparse's own).
    """

    def __init__(self, message: str, exit_code: int = 1) -> None:
        super().__init__(message)
        self.exit_code = exit_code
