"""The one error type the CLI turns into a clean one-line message and an exit code."""

from __future__ import annotations

EXIT_OK = 0
EXIT_GATE = 1
EXIT_BAD_INPUT = 2


class CptoError(Exception):
    """A problem the user can act on: bad input, a missing repository, a busy index.

    The CLI prints ``cpto: error: <message>`` on standard error and exits with ``exit_code``;
    it never shows a traceback for these.
    """

    def __init__(self, message: str, *, exit_code: int = EXIT_BAD_INPUT) -> None:
        super().__init__(message)
        self.message = message
        self.exit_code = exit_code
