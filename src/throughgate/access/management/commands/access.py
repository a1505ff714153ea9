"""``throughgate access <subcommand>``: the network side of internet access.

squid-helper   run the Squid external ACL helper (reads the database directly, or Throughgate over --url)
squid-conf     write the squid.conf fragment, deny page and standalone helper into a directory
radius-conf    write the FreeRADIUS site, REST module and client config into a directory
import-sites   add a CSV list of sites (address,category[,risk[,name]]) to the catalogue
flush-usage    turn finished hours of decisions into internet.allowed / internet.denied activity events
ingest         add sightings of unapproved devices from a Kismet, Mist or RADIUS-reject JSON file (or - for stdin)
poll-observations  ask Kismet or Mist over HTTP for new sightings and add them (run it every minute or two)
"""

from __future__ import annotations

import os
import shlex
import sys
from argparse import ArgumentParser
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections, connection
from django.utils import timezone

from throughgate.access import observations, radius, services, snapshot, squid_conf
from throughgate.identity import selectors as identity_selectors
from throughgate_squid_helper import fastpath, policy
from throughgate_squid_helper.helper import Helper
from throughgate_squid_helper.serve import serve
from throughgate_squid_helper.source import HttpSource, Source


def close_stale_connections() -> None:
    """A long-running helper drops connections the database has closed; not inside a transaction (as in tests)."""
    if not connection.in_atomic_block:
        close_old_connections()


class DatabaseSource:
    """The helper's source when it runs inside Django: the snapshot straight from the database."""

    def fetch(self, versions: dict[str, int]) -> dict[str, Any]:
        close_stale_connections()
        current = snapshot.versions()
        now = timezone.now()
        data: dict[str, Any] = {"versions": current}
        if versions.get("catalogue") != current[snapshot.CATALOGUE]:
            data["catalogue"] = policy.catalogue_to_json(snapshot.catalogue_rules())
        if versions.get("policy") != current[snapshot.POLICY]:
            built = policy.Snapshot()
            snapshot.fill_policy(built, now)
            data["policy"] = policy.policy_to_json(built)
        return data

    def report(self, counts: list[dict[str, Any]]) -> None:
        close_stale_connections()
        services.usage_record(counts=counts)


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        helper = sub.add_parser("squid-helper", help="Run the Squid external ACL helper on stdin/stdout")
        helper.add_argument("--url", default="", help="Ask Throughgate over HTTP instead of the database")
        helper.add_argument("--secret-file", default="")
        helper.add_argument("--refresh", type=float, default=2.0)
        helper.add_argument("--report", type=float, default=15.0)

        conf = sub.add_parser("squid-conf", help="Write the squid.conf fragment, deny page and helper")
        conf.add_argument("--out", required=True, type=Path)
        conf.add_argument("--url", required=True, help="Throughgate base URL the helper asks")
        conf.add_argument("--secret-file", required=True, type=Path)
        conf.add_argument("--ttl", type=int, default=30)
        conf.add_argument("--negative-ttl", type=int, default=10)
        conf.add_argument("--python", default="/usr/bin/python3")
        conf.add_argument("--refresh", type=float, default=2.0)
        conf.add_argument(
            "--use-command",
            action="store_true",
            help="Run `throughgate access squid-helper` (Django, database) instead of the standalone copy",
        )

        rconf = sub.add_parser("radius-conf", help="Write FreeRADIUS site, module and client config")
        rconf.add_argument("--out", required=True, type=Path)
        rconf.add_argument("--url", required=True, help="Throughgate base URL FreeRADIUS calls")
        rconf.add_argument("--establishment", required=True, help="Agency code of the prison this server serves")
        rconf.add_argument("--listen", default="*")
        rconf.add_argument("--auth-port", type=int, default=1812)
        rconf.add_argument("--acct-port", type=int, default=1813)
        rconf.add_argument("--nas", default="10.0.0.0/8", help="Address range of the access points and switches")
        rconf.add_argument("--nas-secret", default="")
        rconf.add_argument("--timeout", type=float, default=2.0)

        imp = sub.add_parser("import-sites", help="Add sites from a CSV file (address,category[,risk[,name]])")
        imp.add_argument("file", type=Path)
        imp.add_argument("--by", required=True, help="Username of the member of staff doing the import")
        imp.add_argument("--category", default="", help="Category for lines that give none")

        sub.add_parser("flush-usage", help="Emit activity events for finished hours")

        ing = sub.add_parser("ingest", help="Add sightings of unapproved devices from a JSON file")
        ing.add_argument("file", help="JSON as the source gives it, or - for standard input")
        ing.add_argument("--source", required=True, choices=sorted(observations.ADAPTERS))
        ing.add_argument("--establishment", required=True, help="Agency code, e.g. MDI")
        ing.add_argument("--sensor", default="", help="Kismet: the sensor's name or place")
        ing.add_argument("--rogue-type", default="others", help="Mist: the insights type the file came from")

        poll = sub.add_parser("poll-observations", help="Fetch new sightings from Kismet or Mist over HTTP")
        poll.add_argument("--source", required=True, choices=["kismet", "mist"])
        poll.add_argument("--url", required=True, help="Kismet: http(s)://sensor:2501; Mist: https://api.eu.mist.com")
        poll.add_argument("--token-file", required=True, type=Path, help="Kismet API key or Mist API token")
        poll.add_argument("--establishment", required=True, help="Agency code, e.g. MDI")
        poll.add_argument("--site-id", default="", help="Mist: the site's id")
        poll.add_argument("--sensor", default="", help="Kismet: the sensor's name or place")
        poll.add_argument("--since", type=int, default=-300, help="Kismet: epoch seconds, or negative: seconds ago")
        poll.add_argument("--timeout", type=float, default=10.0, help="Seconds to wait for each HTTP answer")

    def handle(self, *args: Any, **options: Any) -> None:
        handler = {
            "squid-helper": self.squid_helper,
            "squid-conf": self.squid_conf,
            "radius-conf": self.radius_conf,
            "import-sites": self.import_sites,
            "flush-usage": self.flush_usage,
            "ingest": self.ingest,
            "poll-observations": self.poll_observations,
        }[options["subcommand"]]
        handler(options)

    def squid_helper(self, options: dict[str, Any]) -> None:
        source: Source
        if options["url"]:
            secret = os.environ.get("THROUGHGATE_NETWORK_SECRET", "")
            if options["secret_file"]:
                secret = Path(options["secret_file"]).read_text(encoding="utf-8").strip()
            source = HttpSource(options["url"], secret)
        else:
            source = DatabaseSource()
        helper = Helper(source)
        serve(helper, sys.stdin.buffer, sys.stdout.buffer, options["refresh"], options["report"])

    def squid_conf(self, options: dict[str, Any]) -> None:
        command = ""
        if options["use_command"]:
            command = f"{sys.executable} -m throughgate.cli access squid-helper --refresh {options['refresh']}"
        try:
            fragment = squid_conf.write(
                options["out"],
                base_url=options["url"],
                secret_file=options["secret_file"],
                ttl=options["ttl"],
                negative_ttl=options["negative_ttl"],
                python=options["python"],
                refresh=options["refresh"],
                command=command,
                warn=lambda message: self.stderr.write(self.style.WARNING(message)),
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Wrote {fragment}: add `include {fragment}` to squid.conf before other http_access lines.")
        self.stdout.write("The helper runs as Squid's user (proxy): it must be able to read the secret file.")
        library = Path(options["out"]) / squid_conf.PACKAGE / fastpath.LIBRARY
        if not command and library.exists():
            self.stdout.write(f"Built the helper's compiled fast path, {library}.")

    def radius_conf(self, options: dict[str, Any]) -> None:
        secret = radius.shared_secret()
        if not secret:
            raise CommandError("Set THROUGHGATE_NETWORK_SECRET (the secret FreeRADIUS sends to Throughgate).")
        try:
            files = radius.render_config(
                base_url=options["url"],
                secret=secret,
                establishment=options["establishment"],
                listen=options["listen"],
                auth_port=options["auth_port"],
                acct_port=options["acct_port"],
                nas=options["nas"],
                nas_secret=options["nas_secret"],
                timeout=options["timeout"],
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        out: Path = options["out"]
        for name, text in files.items():
            target = out / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
            target.chmod(0o640)
            self.stdout.write(f"Wrote {target}")
        url = urlsplit(options["url"])
        if url.scheme == "http" and url.hostname:
            serve = radius.serve_command(host=url.hostname, port=url.port or 80)
            where = ""
        else:
            serve = radius.serve_command()
            where = f", behind the TLS proxy that answers {options['url']}"
        self.stdout.write(
            f"Serve the endpoints these call with: {shlex.join(serve)}{where} (with THROUGHGATE_NETWORK_SECRET and"
            " the same settings as the web application; see docs/network-integration.md)."
        )

    def import_sites(self, options: dict[str, Any]) -> None:

        user = identity_selectors.user_named(options["by"])
        if user is None:
            raise CommandError(f"No user {options['by']!r}")
        with options["file"].open(encoding="utf-8") as handle:
            result = services.sites_import(by=user, lines=handle, default_category=options["category"])
        self.stdout.write(f"Added {result.added}, skipped {result.skipped} already listed.")
        for problem in result.problems[:50]:
            self.stderr.write(problem)

    def ingest(self, options: dict[str, Any]) -> None:
        import json

        establishment = identity_selectors.establishment_with_code(options["establishment"].upper())
        if establishment is None:
            raise CommandError(f"No establishment {options['establishment']!r}")
        text = sys.stdin.read() if options["file"] == "-" else Path(options["file"]).read_text(encoding="utf-8")
        try:
            payload = json.loads(text)
        except ValueError as exc:
            raise CommandError(f"Not JSON: {exc}") from exc
        ours = services.network_for(establishment).ssids or []
        found: list[observations.Sighting]
        if options["source"] == "kismet":
            found = observations.Kismet(sensor=options["sensor"]).sightings(payload, our_ssids=ours)
        elif options["source"] == "mist":
            found = observations.Mist().sightings(payload, our_ssids=ours, rogue_type=options["rogue_type"])
        else:
            found = observations.RadiusRejects().sightings(payload, our_ssids=ours)
        stored = services.observations_ingest(establishment=establishment, sightings=found)
        self.stdout.write(f"{len(found)} sightings read, {len(stored)} recorded for {establishment.code}.")

    def flush_usage(self, options: dict[str, Any]) -> None:
        emitted = services.usage_emit_finished(now=timezone.now())
        self.stdout.write(f"Emitted {emitted} activity events.")

    def poll_observations(self, options: dict[str, Any]) -> None:

        establishment = identity_selectors.establishment_with_code(options["establishment"].upper())
        if establishment is None:
            raise CommandError(f"No establishment {options['establishment']!r}")
        try:
            token = options["token_file"].read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise CommandError(f"Cannot read the token file: {exc}") from exc
        ours = services.network_for(establishment).ssids or []
        try:
            if options["source"] == "kismet":
                found = observations.kismet_fetch(
                    base_url=options["url"],
                    token=token,
                    sensor=options["sensor"],
                    our_ssids=ours,
                    since=options["since"],
                    timeout=options["timeout"],
                )
            else:
                mist = observations.Mist(base_url=options["url"], site_id=options["site_id"], token=token)
                found = mist.fetch(our_ssids=ours, timeout=options["timeout"])
        except observations.SourceUnavailable as exc:
            raise CommandError(f"{options['source']} could not be polled: {exc}") from exc
        stored = services.observations_ingest(establishment=establishment, sightings=found)
        self.stdout.write(f"{len(found)} sightings from {options['source']}, {len(stored)} unapproved-device records.")
