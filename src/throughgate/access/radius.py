"""FreeRADIUS integration: the rlm_rest request bodies we read, the replies we give, the Disconnect-Request
(RFC 5176, sent with pyrad) when a device is suspended, and the site and module configuration we generate."""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

from django.conf import settings

logger = logging.getLogger(__name__)

DICTIONARY = Path(__file__).with_name("radius_dictionary")
SECRET_HEADER = "X-Throughgate-Secret"  # noqa: S105 - a header name, not a secret


def shared_secret() -> str:
    """The secret FreeRADIUS and the Squid helper send in ``X-Throughgate-Secret``. Empty refuses everything."""
    return os.environ.get("THROUGHGATE_NETWORK_SECRET", getattr(settings, "THROUGHGATE_NETWORK_SECRET", ""))


def attribute(body: dict[str, Any], name: str) -> str:
    """One attribute's first value from an rlm_rest JSON body ({"Name": {"type": ..., "value": [...]}})."""
    entry = body.get(name)
    if isinstance(entry, dict):
        values = entry.get("value")
        if isinstance(values, list) and values:
            return str(values[0])
        if values is not None and not isinstance(values, list):
            return str(values)
    elif isinstance(entry, str | int):
        return str(entry)
    return ""


def vlan_reply(vlan: str) -> dict[str, str]:
    return {
        "reply:Tunnel-Type": "VLAN",
        "reply:Tunnel-Medium-Type": "IEEE-802",
        "reply:Tunnel-Private-Group-Id": vlan,
    }


def disconnect_device(device_id: int) -> bool:
    """Ask the access point or switch the device last joined to drop its session (Disconnect-Request to the
    NAS's CoA port). Best effort: the RADIUS reject on the next attempt keeps it off either way."""
    from throughgate.access.models import NetworkDevice

    device = NetworkDevice.objects.filter(pk=device_id).first()
    target = os.environ.get("THROUGHGATE_COA_SERVER", "") or (device.last_nas if device else "")
    secret = os.environ.get("THROUGHGATE_COA_SECRET", "")
    if device is None or not target or not secret:
        return False
    host, _, port = target.partition(":")
    try:
        return send_disconnect(host=host, port=int(port or 3799), secret=secret, mac=device.mac)
    except (OSError, ValueError) as exc:
        logger.warning("Disconnect-Request for device %s to %s failed: %s", device_id, target, exc)
        return False


def disconnect_mac(*, mac: str, nas: str) -> bool:
    """A Disconnect-Request for any MAC (an unapproved device) to the NAS that saw it, or the configured one."""
    target = os.environ.get("THROUGHGATE_COA_SERVER", "") or nas
    secret = os.environ.get("THROUGHGATE_COA_SECRET", "")
    if not target or not secret:
        return False
    host, _, port = target.partition(":")
    try:
        return send_disconnect(host=host, port=int(port or 3799), secret=secret, mac=mac)
    except (OSError, ValueError) as exc:
        logger.warning("Disconnect-Request for %s to %s failed: %s", mac, target, exc)
        return False


def send_disconnect(*, host: str, port: int, secret: str, mac: str, timeout: float = 2.0) -> bool:
    """Send a Disconnect-Request for a MAC address; True on Disconnect-ACK."""
    from pyrad.client import Client, Timeout
    from pyrad.dictionary import Dictionary
    from pyrad.packet import DisconnectACK

    client = Client(server=host, secret=secret.encode(), dict=Dictionary(str(DICTIONARY)), coaport=port)
    client.timeout = timeout
    client.retries = 1
    request = client.CreateCoAPacket(code=40)  # 40 = Disconnect-Request
    username = mac.replace(":", "-")
    request["User-Name"] = username
    request["Calling-Station-Id"] = username.upper()
    try:
        reply = client.SendPacket(request)
    except (OSError, Timeout) as exc:
        logger.warning("No answer to Disconnect-Request for %s from %s:%s: %s", mac, host, port, exc)
        return False
    return bool(reply.code == DisconnectACK)


# --- configuration ---------------------------------------------------------------------------------------------

WSGI_APP = "throughgate.access.wsgi:application"


def serve_command(*, host: str = "127.0.0.1", port: int = 8001, workers: int = 2, threads: int = 2) -> list[str]:
    """The HTTP server to run for the endpoints FreeRADIUS calls (docs/network-integration.md): granian (HTTP
    parsed in Rust, outside Python's interpreter lock) serving the lean entry point, HTTP/1.1 with keep-alive, which
    rlm_rest's connection pool reuses. Through FreeRADIUS it answers about twice as many requests a second as
    gunicorn gthread with the same workers and threads (docs/performance.md). One or two threads per worker: the
    requests are short and Python runs one thread at a time per process; add workers, not threads."""
    return [
        *("granian", "--interface", "wsgi", "--http", "1", "--no-ws"),
        *("--workers", str(workers), "--blocking-threads", str(threads), "--host", host, "--port", str(port)),
        *("--log-level", "warning", WSGI_APP),
    ]


SITE = """# Throughgate device admission (generated by `throughgate access radius-conf`).
server throughgate {{
    listen {{
        type = auth
        ipaddr = {listen}
        port = {auth_port}
    }}
    listen {{
        type = acct
        ipaddr = {listen}
        port = {acct_port}
    }}

    authorize {{
        # MAC authentication: the device's MAC is the User-Name (and Calling-Station-Id).
        update control {{
            &REST-HTTP-Header := "{header}: {secret}"
        }}
        throughgate_rest
        if (ok || updated) {{
            update control {{
                &Auth-Type := Accept
            }}
        }}
    }}

    authenticate {{
    }}

    preacct {{
        acct_unique
    }}

    accounting {{
        update control {{
            &REST-HTTP-Header := "{header}: {secret}"
        }}
        throughgate_rest
    }}

    post-auth {{
        update control {{
            &REST-HTTP-Header := "{header}: {secret}"
        }}
        throughgate_rest
        Post-Auth-Type REJECT {{
            update control {{
                &REST-HTTP-Header := "{header}: {secret}"
            }}
            throughgate_rest
        }}
    }}
}}
"""

MODULE = """# Throughgate REST module (generated by `throughgate access radius-conf`).
rest throughgate_rest {{
    connect_uri = "{base_url}"
    connect_timeout = {timeout}

    authorize {{
        uri = "${{..connect_uri}}/radius/authorize?establishment={establishment}"
        method = "post"
        body = "json"
        timeout = {timeout}
    }}
    accounting {{
        uri = "${{..connect_uri}}/radius/accounting?establishment={establishment}"
        method = "post"
        body = "json"
        timeout = {timeout}
    }}
    post-auth {{
        uri = "${{..connect_uri}}/radius/post-auth?establishment={establishment}"
        method = "post"
        body = "json"
        timeout = {timeout}
    }}

    pool {{
        start = 4
        min = 4
        max = 32
        spare = 8
        uses = 0
        retry_delay = 1
        lifetime = 0
        idle_timeout = 60
    }}
}}
"""

CLIENTS = """# NAS clients allowed to ask (generated by `throughgate access radius-conf`).
client throughgate_nas {{
    ipaddr = {nas}
    secret = {nas_secret}
    require_message_authenticator = no
}}
"""


def render_config(
    *,
    base_url: str,
    secret: str,
    establishment: str,
    listen: str = "*",
    auth_port: int = 1812,
    acct_port: int = 1813,
    nas: str = "10.0.0.0/8",
    nas_secret: str = "",
    timeout: float = 2.0,
) -> dict[str, str]:
    """The three files a FreeRADIUS 3.2 install needs: sites-enabled/throughgate, mods-enabled/throughgate_rest
    and clients.conf.d-style clients (include it from clients.conf)."""
    if any(c in secret for c in '"\\\n') or not secret:
        raise ValueError("the shared secret must be non-empty and contain no quotes, backslashes or newlines")
    values = {
        "base_url": base_url.rstrip("/"),
        "secret": secret,
        "header": SECRET_HEADER,
        "establishment": establishment,
        "listen": listen,
        "auth_port": auth_port,
        "acct_port": acct_port,
        "nas": nas,
        "nas_secret": nas_secret or "change-me",
        "timeout": timeout,
    }
    return {
        "sites-enabled/throughgate": SITE.format(**values),
        "mods-enabled/throughgate_rest": MODULE.format(**values),
        "clients-throughgate.conf": CLIENTS.format(**values),
    }
