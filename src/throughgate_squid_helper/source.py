"""Where the helper gets its policy from and sends its decision counts to: Throughgate over HTTP(S)."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any, Protocol
from urllib.parse import urlencode

SECRET_HEADER = "X-Throughgate-Secret"  # noqa: S105 - a header name, not a secret


class Source(Protocol):
    def fetch(self, versions: dict[str, int]) -> dict[str, Any]: ...

    def report(self, counts: list[dict[str, Any]]) -> None: ...


class HttpSource:
    """Throughgate over HTTP(S): GET /squid/snapshot, POST /squid/usage, with the shared secret header."""

    def __init__(self, base_url: str, secret: str, timeout: float = 10.0) -> None:
        if not base_url.startswith(("http://", "https://")):
            raise ValueError("the Throughgate URL must start with http:// or https://")
        self.base_url = base_url.rstrip("/")
        self.secret = secret
        self.timeout = timeout

    def _open(self, request: urllib.request.Request) -> bytes:
        request.add_header(SECRET_HEADER, self.secret)
        with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310 - URL from config
            body: bytes = response.read()
            return body

    def fetch(self, versions: dict[str, int]) -> dict[str, Any]:
        query = urlencode({key: str(value) for key, value in versions.items()})
        request = urllib.request.Request(f"{self.base_url}/squid/snapshot?{query}")  # noqa: S310
        data = json.loads(self._open(request))
        if not isinstance(data, dict) or "versions" not in data:
            raise ValueError("not a snapshot")
        return data

    def report(self, counts: list[dict[str, Any]]) -> None:
        body = json.dumps({"counts": counts}).encode()
        request = urllib.request.Request(  # noqa: S310 - the base URL comes from the configuration
            f"{self.base_url}/squid/usage", data=body, headers={"Content-Type": "application/json"}, method="POST"
        )
        self._open(request)
