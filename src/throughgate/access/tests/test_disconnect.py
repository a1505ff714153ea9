"""Suspending a device sends a RADIUS Disconnect-Request (RFC 5176, pyrad) to the access point's CoA port."""

from __future__ import annotations

import socket
import threading
from typing import Any

import pytest
from pyrad.dictionary import Dictionary
from pyrad.packet import DisconnectACK, DisconnectRequest, Packet

from throughgate.access import radius, services
from throughgate.access.tests import world as world_module

SECRET = b"coa-test-secret"


class FakeAccessPoint:
    """Listens on a loopback UDP port, reads the request with the shared secret and answers Disconnect-ACK."""

    def __init__(self) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.settimeout(5)
        self.port = int(self.sock.getsockname()[1])
        self.received: list[dict[str, Any]] = []
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def serve(self) -> None:
        try:
            data, peer = self.sock.recvfrom(4096)
        except OSError:
            return
        request = Packet(packet=data, secret=SECRET, dict=Dictionary(str(radius.DICTIONARY)))
        self.received.append({"code": request.code, "user": request["User-Name"][0]})
        reply = request.CreateReply(code=DisconnectACK)
        self.sock.sendto(reply.ReplyPacket(), peer)

    def close(self) -> None:
        self.thread.join(timeout=5)
        self.sock.close()


@pytest.mark.django_db
def test_suspending_a_device_disconnects_it(
    monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks: Any
) -> None:
    world = world_module.build()
    ap = FakeAccessPoint()
    monkeypatch.setenv("THROUGHGATE_COA_SERVER", f"127.0.0.1:{ap.port}")
    monkeypatch.setenv("THROUGHGATE_COA_SECRET", SECRET.decode())
    sent: list[bool] = []
    real = radius.disconnect_device
    monkeypatch.setattr(radius, "disconnect_device", lambda device_id: sent.append(real(device_id)) or sent[-1])
    try:
        with django_capture_on_commit_callbacks(execute=True):
            services.device_set_status(
                by=world.security, device=world.devices["enhanced"], status="suspended", reason="Cell search"
            )
    finally:
        ap.close()
    assert sent == [True]
    assert ap.received[0]["code"] == DisconnectRequest
    assert ap.received[0]["user"] == world.devices["enhanced"].mac.replace(":", "-")


def test_no_answer_is_reported_not_raised() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
        # Nothing answers on this port: the call gives up after its timeout and says so.
        assert (
            radius.send_disconnect(host="127.0.0.1", port=port, secret="x", mac="02:00:00:00:00:01", timeout=0.2)
            is False
        )
