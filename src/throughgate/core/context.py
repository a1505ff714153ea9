"""Who is acting, from where, in which request: read by the audit log so services need not pass it around."""

from __future__ import annotations

import contextvars
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace


@dataclass(frozen=True)
class RequestContext:
    correlation_id: str
    ip: str = ""
    device: str = ""
    actor_id: int | None = None
    actor_username: str = ""
    establishment: str = ""  # the code of the establishment the actor is working in (audit rows are scoped by it)


_current: contextvars.ContextVar[RequestContext | None] = contextvars.ContextVar("throughgate_request", default=None)


def current() -> RequestContext:
    """The context of the request or command in progress; a fresh correlation id outside any."""
    ctx = _current.get()
    if ctx is None:
        ctx = RequestContext(correlation_id=new_correlation_id())
        _current.set(ctx)
    return ctx


def new_correlation_id() -> str:
    return uuid.uuid4().hex


@contextmanager
def bind(ctx: RequestContext) -> Iterator[RequestContext]:
    token = _current.set(ctx)
    try:
        yield ctx
    finally:
        _current.reset(token)


def update(**changes: object) -> RequestContext:
    """Refine the current context (for example once the user or device is known)."""
    ctx = replace(current(), **changes)  # type: ignore[arg-type]
    _current.set(ctx)
    return ctx
