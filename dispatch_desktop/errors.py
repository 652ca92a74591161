"""Errors a user can cause, carrying a message in their words.

A `UserError` is caught at the edge (CLI or GUI) and shown as one line; anything else is
a bug and is raised and logged with its context.
"""


class UserError(Exception):
    """A problem the user can fix: bad file, bad URL, wrong password, bad input."""

    def __init__(self, message: str, *, fix: str | None = None) -> None:
        self.message = message
        self.fix = fix
        super().__init__(message if fix is None else f"{message} {fix}")

    def __str__(self) -> str:
        return self.message if self.fix is None else f"{self.message} — {self.fix}"


class ConflictError(UserError):
    """Another console changed the same row first (optimistic locking lost the race)."""
