"""Domain errors raised by services. Views and the API map them to HTTP in one place each."""

from __future__ import annotations


class DomainError(Exception):
    """A rule of the service refused an action. ``code`` is stable; ``message`` is for people."""

    code = "domain_error"
    status = 400

    def __init__(self, message: str, *, code: str | None = None, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        self.field = field


class InvalidInput(DomainError):
    code = "invalid_input"
    status = 422


class InvalidTransition(DomainError):
    code = "invalid_transition"
    status = 409


class LimitExceeded(DomainError):
    code = "limit_exceeded"
    status = 409


class NotVisible(DomainError):
    """The record does not exist or the acting user may not see it: both look the same from outside."""

    code = "not_found"
    status = 404


class RateLimited(DomainError):
    """Too many requests in a short time (a partner system looking people up, say): try again later."""

    code = "rate_limited"
    status = 429
