"""A short-lived, per-process cache of who is asking: the signed-in user with their roles, the registered device
named by a device cookie, and a resident's own person record.

Every request needs these, and they change rarely; reading them from the database took more time than the rest
of a resident's home page (docs/performance.md). The session row itself is still read on every request, so
signing out, the idle limit and a security sign-out take effect at once. What may lag is a change made by
another server process to a user, role, device or person: this process sees it after at most
``IDENTITY_CACHE_SECONDS`` (5 seconds by default; 0 turns the cache off, as in the tests). A change made in this
process clears the cache at once (``forget_all`` is connected to the models' save, delete and role signals).
See docs/adr/0006-identity-cache.md.

Each caller gets its own shallow copy of the cached model instance, so per-request attributes (django-otp's
``otp_device``, the per-request caches on ``User``) never leak between requests.
"""

from __future__ import annotations

import copy
import threading
import time
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from django.conf import settings
from django.db.models import Model

T = TypeVar("T")

# Past this many entries the cache starts again from empty: a simple bound on memory (one entry per active
# user or device; an establishment's kiosks and residents are a few thousand).
MAX_ENTRIES = 20_000

_lock = threading.Lock()
_entries: dict[Hashable, tuple[float, Any]] = {}
_generation = 0


def ttl_seconds() -> float:
    return float(getattr(settings, "IDENTITY_CACHE_SECONDS", 0))


def cached(key: Hashable, load: Callable[[], T | None]) -> T | None:
    """The value for ``key``, from the cache if it is fresh, else ``load()`` (a ``None`` is not cached)."""
    ttl = ttl_seconds()
    if ttl <= 0:
        return load()
    now = time.monotonic()
    entry = _entries.get(key)
    if entry is not None and entry[0] > now:
        return _copy(entry[1])  # type: ignore[no-any-return]
    generation = _generation
    value = load()
    if value is not None:
        with _lock:
            if generation == _generation:  # nothing changed while we loaded: safe to keep
                if len(_entries) >= MAX_ENTRIES:
                    _entries.clear()
                _entries[key] = (now + ttl, value)
        return _copy(value)
    return value


def _copy(value: T) -> T:
    """A shallow copy, as ``copy.copy`` makes it. A model instance is copied as its pickling does (its own
    ``__getstate__``: the attributes, and the model state with its cache of related rows), without the detour
    through ``__reduce__`` that looks the model class up again in the app registry on every copy."""
    if isinstance(value, Model):
        clone = value.__class__.__new__(value.__class__)
        clone.__dict__.update(value.__getstate__())
        return clone
    return copy.copy(value)


def forget_all(*args: Any, **kwargs: Any) -> None:
    """Drop every cached entry (a user, role, device, assignment or person changed). Usable as a signal receiver."""
    global _generation
    with _lock:
        _generation += 1
        _entries.clear()


def forget_on_change(*models: type[Any]) -> None:
    """Clear the cache whenever a row of these models is saved or deleted in this process."""
    from django.db.models.signals import post_delete, post_save

    for model in models:
        label = model._meta.label_lower
        post_save.connect(forget_all, sender=model, dispatch_uid=f"principals-save-{label}")
        post_delete.connect(forget_all, sender=model, dispatch_uid=f"principals-delete-{label}")
