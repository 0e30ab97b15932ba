"""Domain errors raised by services."""

from __future__ import annotations


class AccountAwaitingApproval(Exception):
    """The right password of an account that an admin has not approved yet."""


class DomainError(Exception):
    """Something the user can fix. `field` names the form field it belongs next to, if any."""

    def __init__(self, message, field: str | None = None):
        super().__init__(message)
        self._message = message
        self.field = field

    @property
    def message(self) -> str:
        """The (lazily translated) message as plain text, so templates escape it."""
        return str(self._message)


class PermissionDenied(DomainError):
    """The policy says no (a view turns it into 403)."""


class AccountSuspended(DomainError):
    """The right password for a suspended account: the person is told why and until when (never for a wrong
    password, so the answer reveals nothing to someone guessing)."""

    def __init__(self, user):
        super().__init__("suspended")
        self.reason = user.suspension_reason
        self.until = user.suspended_until


class InvalidToken(DomainError):
    """A mailed link that is forged, expired, already used or no longer valid."""
