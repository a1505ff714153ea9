"""The loop Squid talks to (standard input and output), the background refresh and report, and the command line."""

from __future__ import annotations

import argparse
import fcntl
import os
import socket
import stat
import sys
import threading
import time
from typing import Any, BinaryIO

from throughgate_squid_helper.helper import MAX_LINE, Helper, channel_of
from throughgate_squid_helper.source import HttpSource


def background(helper: Helper, refresh_seconds: float, report_seconds: float, stop: threading.Event) -> None:
    last_report = time.monotonic()
    while not stop.wait(refresh_seconds):
        helper.refresh()
        if time.monotonic() - last_report >= report_seconds:
            helper.report()
            last_report = time.monotonic()


def serve(helper: Helper, stdin: BinaryIO, stdout: BinaryIO, refresh_seconds: float, report_seconds: float) -> None:
    """The loop Squid talks to: first snapshot, then one answer per line until end of input. Lines are taken as
    they arrive; the answers to what was read are written and flushed in blocks of ANSWER_EVERY lines before the
    next read, so Squid never waits for the answer to a line it has sent for long (and a busy helper is not one
    system call per line)."""
    helper.refresh()
    stop = threading.Event()
    worker = threading.Thread(
        target=background, args=(helper, refresh_seconds, report_seconds, stop), daemon=True, name="tg-refresh"
    )
    worker.start()
    for stream in (stdin, stdout):
        _widen(stream)
    read = getattr(stdin, "read1", stdin.read)
    pending = b""
    skipping = False  # inside an over-long line that was already answered: drop bytes up to its end
    try:
        while True:
            chunk = read(READ_SIZE)
            if not chunk:
                break
            data = pending + chunk
            if helper.tables is not None:  # the compiled path takes the lines as they were read, unsplit
                cut = data.rfind(b"\n")
                start = 0
                if skipping:
                    if cut < 0:
                        pending = b""
                        continue
                    start = data.find(b"\n") + 1
                    skipping = False
                if cut < 0:
                    pending = data
                else:
                    block, pending = data[:cut], data[cut + 1 :]
                    now = helper.clock()
                    while start <= len(block):
                        answers, start = helper.answer_block(block, now, start, ANSWER_EVERY)
                        stdout.write(answers)
                        stdout.flush()
            else:
                lines = data.split(b"\n")
                pending = lines.pop()
                if skipping:
                    if not lines:
                        pending = b""
                        continue
                    lines.pop(0)
                    skipping = False
                now = helper.clock()
                for start in range(0, len(lines), ANSWER_EVERY):
                    stdout.write(helper.answer_batch(lines[start : start + ANSWER_EVERY], now))
                    stdout.flush()
            if len(pending) > MAX_LINE:
                channel = channel_of(pending)
                prefix = f"{channel} ERR" if channel else "BH"
                stdout.write(f'{prefix} message="Request could not be read." log=too_long\n'.encode())
                stdout.flush()
                pending, skipping = b"", True
        if pending and not skipping:
            stdout.write(helper.answer(pending))
            stdout.flush()
    finally:
        stop.set()
        worker.join(timeout=5)
        helper.report()  # what was counted since the last report


READ_SIZE = 1 << 20
# Answers are written every this many lines of a read, not once per read: Squid (or whatever reads them) takes
# the first answers while the helper works on the next ones, so a 1 MB read (about 20,000 requests) neither holds
# its first answer back until the last is decided nor fills the pipe and waits for the reader to empty it.
ANSWER_EVERY = 1024
PIPE_SIZE = 1 << 20


def _widen(stream: Any) -> None:
    """Give a pipe (or socket) to Squid a 1 MB buffer when the system allows it, so that a busy helper reads and
    answers in large batches (fewer system calls and context switches); harmless when it cannot."""
    try:
        fd = stream.fileno()
    except (AttributeError, OSError, ValueError):
        return
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISFIFO(mode):
            fcntl.fcntl(fd, fcntl.F_SETPIPE_SZ, PIPE_SIZE)
        elif stat.S_ISSOCK(mode):
            with socket.socket(fileno=os.dup(fd)) as sock:
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, PIPE_SIZE)
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, PIPE_SIZE)
    except (OSError, AttributeError):
        pass


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Throughgate external ACL helper for Squid")
    parser.add_argument("--url", required=True, help="Throughgate base URL, e.g. https://throughgate.internal")
    parser.add_argument("--secret-file", help="File holding the shared secret (else THROUGHGATE_NETWORK_SECRET)")
    parser.add_argument("--refresh", type=float, default=2.0, help="Seconds between policy version checks")
    parser.add_argument("--report", type=float, default=15.0, help="Seconds between usage reports")
    parser.add_argument(
        "--pure-python", action="store_true", help="Do not use the compiled fast path (libfastpath.so) even if present"
    )
    args = parser.parse_args(argv)
    secret = os.environ.get("THROUGHGATE_NETWORK_SECRET", "")
    if args.secret_file:
        with open(args.secret_file, encoding="utf-8") as handle:
            secret = handle.read().strip()
    helper = Helper(HttpSource(args.url, secret), compiled=None if args.pure_python else "auto")
    serve(helper, sys.stdin.buffer, sys.stdout.buffer, args.refresh, args.report)
