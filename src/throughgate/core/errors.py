"""Errors raised by services and selectors. Views and the API map them to HTTP in one place each.

Two kinds: a ``DomainError`` is a rule that refused what someone asked (a view may show it beside the form that
asked), and ``NotVisible`` is a record that does not exist or may not be seen, which no view handles: it is a 404
wherever it is raised. Both are ``ServiceError``s, which is what the two mappings catch."""

from __future__ import annotations


class ServiceError(Exception):
    """``code`` is stable; ``message`` is for people; ``field`` names the input it is about, if any."""

    code = "service_error"
    status = 400

    def __init__(self, message: str, *, code: str | None = None, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        self.field = field


class DomainError(ServiceError):
    """A rule of the service refused an action."""

    code = "domain_error"
    status = 400


class InvalidInput(DomainError):
    code = "invalid_input"
    status = 422


class InvalidTransition(DomainError):
    code = "invalid_transition"
    status = 409


class LimitExceeded(DomainError):
    code = "limit_exceeded"
    status = 409


class NotVisible(ServiceError):
    """The record does not exist or the acting user may not see it: both look the same from outside. Not a
    DomainError, so a view that shows refusals on its form never catches it."""

    code = "not_found"
    status = 404


class RateLimited(DomainError):
    """Too many requests in a short time (a partner system looking people up, say): try again later."""

    code = "rate_limited"
    status = 429
