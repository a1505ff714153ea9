"""Static files storage for production: whitenoise's compressed, hashed files, with each name's URL worked out
once per process. The manifest does not change while a process runs, and every page asks for the same few URLs
(the GOV.UK styles and scripts), so there is no need to look them up again on every request."""

from __future__ import annotations

from typing import Any

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticFilesStorage(CompressedManifestStaticFilesStorage):  # type: ignore[misc]
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._urls: dict[str, str] = {}

    def url(self, name: str | None, force: bool = False) -> str:
        if force or name is None:
            return str(super().url(name, force))
        found = self._urls.get(name)
        if found is None:
            found = str(super().url(name))
            if len(self._urls) < 10_000:
                self._urls[name] = found
        return found
