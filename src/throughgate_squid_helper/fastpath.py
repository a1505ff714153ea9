"""The Squid helper's compiled hot path: builds and loads ``fastpath.c`` (plain C, no Python headers) with ctypes.

Standard library only, like the rest of the helper: ``throughgate access squid-conf`` copies this package, fastpath.c
included, and compiles ``libfastpath.so`` next to this file when a C compiler is present; the helper loads it if it
is there and answers in pure Python if not (the same answers, more CPU per request). See docs/adr/0009.
"""

from __future__ import annotations

import ctypes
import os
import shutil
import subprocess
import sys
import threading
from array import array
from collections.abc import Callable
from itertools import accumulate
from pathlib import Path
from typing import Any

from throughgate_squid_helper import policy

VERSION = 2  # TG_VERSION in fastpath.c: a library built from another version of the C file is not used
SOURCE = "fastpath.c"
LIBRARY = "libfastpath.so"  # not fastpath.so: Python would take that for an extension module named fastpath
COMPILE = ("-O2", "-shared", "-fPIC")

# tg_answer's results
DONE, SLOW, GATE, FULL = 0, 1, 2, 3
# kinds of client gate
GATE_SLOW, GATE_REFUSED, GATE_PERSON = 0, 1, 2
MAX_CATEGORIES = 62  # category ids 0..61 (two count rows each in a block of ROWS_PER_BLOCK)
MAX_GROUPS = 63
ROWS_PER_BLOCK = 128
MAX_FIELD = 4096
LOWEST, HIGHEST = -(1 << 63), (1 << 63) - 1
OUT_SIZE = 1 << 19  # the answers of one call; a call stops early when they would not fit

_i64 = ctypes.c_int64
_u64 = ctypes.c_uint64
_p = ctypes.c_void_p
_buf = ctypes.c_char_p


def compile_library(directory: Path, compiler: str | None = None) -> str | None:
    """Compile ``directory/fastpath.c`` into ``directory/libfastpath.so``. Returns None when it worked, else a warning
    in plain words (the helper then answers in pure Python). A library left from an earlier build is removed first,
    so that a failed build never leaves an old one in use."""
    source, target = directory / SOURCE, directory / LIBRARY
    target.unlink(missing_ok=True)
    cc = compiler or os.environ.get("CC") or shutil.which("cc") or shutil.which("gcc")
    if not cc:
        return (
            "No C compiler (cc) was found, so the helper's compiled fast path was not built: the helper will work, "
            "in pure Python, using about three times the CPU per request. Install gcc (apt-get install gcc) and "
            "run squid-conf again to build it."
        )
    partial = directory / (LIBRARY + ".partial")
    try:
        done = subprocess.run(  # noqa: S603 - the compiler found above, on our own source file
            [cc, *COMPILE, "-o", str(partial), str(source)], capture_output=True, text=True, timeout=300, check=False
        )
    except (OSError, subprocess.SubprocessError) as exc:
        return f"The helper's fast path could not be compiled ({exc}); the helper will work in pure Python."
    if done.returncode != 0:
        partial.unlink(missing_ok=True)
        detail = (done.stderr or done.stdout).strip().splitlines()[-3:]
        return f"The helper's fast path did not compile ({' / '.join(detail)}); the helper will work in pure Python."
    partial.chmod(0o644)
    if load(partial, quiet=True) is None:
        partial.unlink(missing_ok=True)
        return "The compiled fast path could not be loaded; the helper will work in pure Python."
    os.replace(partial, target)
    return None


def load(path: Path | None = None, *, quiet: bool = False) -> Library | None:
    """The library at ``path`` (default: libfastpath.so next to this file), or None when there is none or it cannot be
    used (with a line on stderr, unless quiet)."""
    path = path or Path(__file__).with_name(LIBRARY)
    if not path.is_file():
        return None
    try:
        return Library(ctypes.CDLL(str(path)))
    except (OSError, AttributeError, ValueError) as exc:
        if not quiet:
            print(f"throughgate-squid-helper: not using {path}: {exc}; answering in pure Python", file=sys.stderr)
        return None


class Library:
    """The loaded C functions, with their argument types (ctypes checks and converts every argument)."""

    def __init__(self, lib: ctypes.CDLL) -> None:
        lib.tg_version.restype = _i64
        lib.tg_version.argtypes = []
        if lib.tg_version() != VERSION:
            raise ValueError(f"built from another version of {SOURCE}")
        self.lib = lib
        for name, restype, argtypes in (
            ("tg_new", _p, [_buf, _i64]),
            ("tg_free", None, [_p]),
            ("tg_category", _i64, [_p, _i64, _buf, _i64, _buf, _i64]),
            ("tg_reserve", _i64, [_p, _i64]),
            ("tg_count", _i64, [_p, _i64, _i64, _buf, _i64]),
            ("tg_drain_size", None, [_p, _p]),
            ("tg_drain", _i64, [_p, _p, _i64, _p, _i64]),
            ("tg_gates_clear", None, [_p]),
            (
                "tg_gate",
                _i64,
                [_p, _buf, _i64, _u64, _i64, _buf, _i64, _i64, _i64, _buf, _i64, _buf, _i64, _u64, _u64, _i64, _i64],
            ),
            ("tg_answer", _i64, [_p, _p, _u64, _buf, _i64, _p, _p, _i64]),
            ("tg_catalogue_new", _p, [_i64, _buf, _i64, _p, _p, _buf, _i64, _p, _i64, _i64]),
            ("tg_catalogue_free", None, [_p]),
        ):
            function = getattr(lib, name)
            function.restype = restype
            function.argtypes = argtypes


class Catalogue:
    """A catalogue as the C code looks it up (built from Snapshot.plain); freed with the object."""

    def __init__(self, library: Library, handle: int) -> None:
        self.library = library
        self.handle = handle

    def __del__(self) -> None:
        free = getattr(self.library.lib, "tg_catalogue_free", None)
        if free is not None and self.handle:
            free(self.handle)
            self.handle = 0


Row = tuple[str, str, str, bool, str]  # person, establishment, hour, allowed, category: a Helper.counts key


class Tables:
    """One helper's state on the C side: client gates for the current generation (a second of one snapshot),
    category texts, and decision counts in rows of ROWS_PER_BLOCK per (person, establishment, hour): row
    ``base + 2 * category id + allowed``. Use under the helper's lock."""

    def __init__(
        self, library: Library, not_listed: bytes, clean: Callable[[str], str], lock: threading.RLock | None = None
    ) -> None:
        self.library = library
        lib = library.lib
        self.lib = lib
        self.ctx = lib.tg_new(not_listed, len(not_listed))
        if not self.ctx:
            raise MemoryError("tg_new")
        self.clean = clean  # what quote() does to a text, without the quotes and the cut
        # The helper's lock: held by whoever answers or counts; catalogue() takes it only to register a category
        # or a group, so that a new catalogue is built beside the answering thread rather than stopping it.
        self.lock = lock or threading.RLock()
        self.generation = 1  # gates of an older generation are asked for again
        self.category_ids: dict[str, int] = {}  # -1: cannot be answered in C
        self.category_names: list[str] = []
        self.group_bits: dict[str, int] = {}  # -1: more groups than bits
        self.blocks: dict[tuple[str, str, str], int] = {}
        self.block_keys: list[tuple[str, str, str]] = []
        self._category_masks: dict[frozenset[str], int] = {}
        self._group_masks: dict[frozenset[str], int] = {}
        self._state = (ctypes.c_int64 * 8)()
        self._state_at = ctypes.addressof(self._state)
        self._out = ctypes.create_string_buffer(OUT_SIZE)
        self._out_at = ctypes.addressof(self._out)
        self._answer = lib.tg_answer
        self._gate = lib.tg_gate
        self.category_id("")  # id 0: refusals with no category, and pages that are not listed

    def __del__(self) -> None:
        ctx, self.ctx = getattr(self, "ctx", 0), 0
        if ctx:
            self.lib.tg_free(ctx)

    # -- ids ----------------------------------------------------------------------------------------------------

    def category_id(self, name: str) -> int:
        """The category's id (registered on first use, with its reply texts), or -1 if C cannot answer for it."""
        known = self.category_ids.get(name)
        if known is not None:
            return known
        with self.lock:
            return self._new_category(name)

    def _new_category(self, name: str) -> int:
        known = self.category_ids.get(name)
        if known is not None:
            return known
        cid = -1
        if len(self.category_names) < MAX_CATEGORIES:
            try:
                raw = name.encode()
                words = self.clean(policy.CATEGORY_WORDS.get(name, name)).encode()
            except UnicodeEncodeError:
                raw = words = b"x" * (MAX_FIELD + 1)
            if len(raw) <= MAX_FIELD and len(words) <= MAX_FIELD:
                cid = len(self.category_names)
                if self.lib.tg_category(self.ctx, cid, raw, len(raw), words, len(words)) != 0:
                    raise MemoryError("tg_category")
                self.category_names.append(name)
                self._category_masks.clear()
        self.category_ids[name] = cid
        return cid

    def group_bit(self, name: str) -> int:
        known = self.group_bits.get(name)
        if known is not None:
            return known
        with self.lock:
            known = self.group_bits.get(name)
            if known is None:
                known = len(self.group_bits) if len(self.group_bits) < MAX_GROUPS else -1
                self.group_bits[name] = known
                self._group_masks.clear()
            return known

    def category_mask(self, categories: frozenset[str]) -> int:
        return _mask(categories, self.category_ids, self._category_masks)

    def group_mask(self, groups: frozenset[str]) -> int:
        return _mask(groups, self.group_bits, self._group_masks)

    # -- counts -------------------------------------------------------------------------------------------------

    def block(self, person: str, establishment: str, hour: str) -> int:
        """The first count row of this person's rows for the hour."""
        key = (person, establishment, hour)
        base = self.blocks.get(key)
        if base is None:
            base = len(self.block_keys) * ROWS_PER_BLOCK
            if self.lib.tg_reserve(self.ctx, base + ROWS_PER_BLOCK) != 0:
                raise MemoryError("tg_reserve")
            self.blocks[key] = base
            self.block_keys.append(key)
        return base

    def row(self, key: Row) -> int:
        """The count row of a Helper.counts key, or -1 (its category has no id: Python counts it)."""
        person, establishment, hour, allowed, category = key
        cid = self.category_id(category)
        if cid < 0:
            return -1
        return self.block(person, establishment, hour) + 2 * cid + int(allowed)

    def count(self, row: int, outside: int, host: bytes | None) -> None:
        if self.lib.tg_count(self.ctx, row, outside, host, len(host) if host else 0) != 0:
            raise ValueError("tg_count")

    def drain(self) -> list[tuple[Row, int, int, dict[bytes, int]]]:
        """Every row counted since the last drain: (key, count, outside hours, refused hosts); starts afresh, and
        with new rows, so every client gate is asked for again."""
        sizes = (ctypes.c_int64 * 2)()
        self.lib.tg_drain_size(self.ctx, ctypes.addressof(sizes))
        numbers_buffer = (ctypes.c_int64 * max(1, sizes[0]))()
        names_buffer = ctypes.create_string_buffer(max(1, sizes[1]))
        if self.lib.tg_drain(
            self.ctx, ctypes.addressof(numbers_buffer), sizes[0], ctypes.addressof(names_buffer), sizes[1]
        ):
            raise MemoryError("tg_drain")
        numbers = array("q", bytes(numbers_buffer)[: 8 * sizes[0]]).tolist()
        blob = names_buffer.raw[: sizes[1]]
        parsed = []
        at = 0
        while at < len(numbers):
            row, n, outside, hosts = numbers[at : at + 4]
            parsed.append(
                (row, n, outside, numbers[at + 4 : at + 4 + hosts], numbers[at + 4 + hosts : at + 4 + 2 * hosts])
            )
            at += 4 + 2 * hosts
        names = blob.split(b"\n")
        if len(names) != sum(len(lengths) for *_, lengths, _hits in parsed) + 1:  # a name with a newline in it
            names, start = [], 0
            for *_, lengths, _hits in parsed:
                for length in lengths:
                    names.append(blob[start : start + length])
                    start += length + 1
        rows = []
        first = 0
        keys = self.block_keys
        categories = self.category_names
        for row, n, outside, lengths, hits in parsed:
            person, establishment, hour = keys[row // ROWS_PER_BLOCK]
            offset = row % ROWS_PER_BLOCK
            key = (person, establishment, hour, bool(offset & 1), categories[offset // 2])
            rows.append((key, n, outside, dict(zip(names[first : first + len(lengths)], hits, strict=True))))
            first += len(lengths)
        self.blocks = {}
        self.block_keys = []
        self.lib.tg_gates_clear(self.ctx)
        self.generation += 1
        return rows

    # -- gates --------------------------------------------------------------------------------------------------

    def gate_slow(self, ip: bytes) -> None:
        self._set(ip, GATE_SLOW)

    def gate_refused(self, ip: bytes, reply: bytes, row: int, outside: int) -> bool:
        if len(reply) > MAX_FIELD:
            return False
        self._set(ip, GATE_REFUSED, reply=reply, row=row, outside=outside)
        return True

    def gate_person(
        self,
        ip: bytes,
        *,
        person: bytes,
        level: bytes,
        categories: frozenset[str],
        max_risk: int,
        groups: frozenset[str],
        base: int,
    ) -> bool:
        if len(person) > MAX_FIELD or len(level) > MAX_FIELD or not LOWEST <= max_risk <= HIGHEST:
            return False
        self._set(
            ip,
            GATE_PERSON,
            person=person,
            level=level,
            categories=self.category_mask(categories),
            groups=self.group_mask(groups),
            max_risk=max_risk,
            base=base,
        )
        return True

    def _set(
        self,
        ip: bytes,
        kind: int,
        *,
        reply: bytes = b"",
        row: int = -1,
        outside: int = 0,
        person: bytes = b"",
        level: bytes = b"",
        categories: int = 0,
        groups: int = 0,
        max_risk: int = 0,
        base: int = 0,
    ) -> None:
        result = self._gate(
            self.ctx, ip, len(ip), self.generation, kind, reply, len(reply), row, outside,
            person, len(person), level, len(level), categories, groups, max_risk, base,
        )  # fmt: skip
        if result != 0:
            raise ValueError("tg_gate")

    # -- catalogue and answers ----------------------------------------------------------------------------------

    def catalogue(self, plain: dict[bytes, tuple[Any, ...]], depths: frozenset[int]) -> Catalogue:
        """The catalogue index Snapshot.plain as C looks it up; registers its categories and groups. Needs the
        lock only for those registrations (a new catalogue object is nobody else's until it is swapped in)."""
        ends = array("q", accumulate(map(len, plain)))
        fields: list[int] = []
        texts = bytearray()
        known: dict[int, tuple[int, ...]] = {}  # id(SiteRule) -> its fields
        prefixed = policy.PREFIXED
        absent = (-1, 0, 0, 0, 0, 0, 0, 0)
        entry_prefixed = (1, *absent, *absent)
        for value in plain.values():
            if value is prefixed:
                fields += entry_prefixed
                continue
            fields.append(0)
            for at in (0, 4):
                rule = value[at + 3]
                if rule is None:
                    fields += absent
                    continue
                found = known.get(id(rule))
                if found is None:
                    found = known[id(rule)] = self._rule(value[at], value[at + 1], value[at + 2], rule, texts)
                fields += found
        keys = b"".join(plain)
        depth = array("q", sorted(depths))
        numbers = array("q", fields)
        handle = self.lib.tg_catalogue_new(
            len(plain), keys, len(keys), ends.buffer_info()[0], numbers.buffer_info()[0], bytes(texts), len(texts),
            depth.buffer_info()[0], len(depth), min(depths, default=1),
        )  # fmt: skip
        if not handle:
            raise MemoryError("tg_catalogue_new")
        return Catalogue(self.library, handle)

    def _rule(
        self, category: str, risk: int, groups: frozenset[str] | None, rule: Any, texts: bytearray
    ) -> tuple[int, ...]:
        """A rule's fields: category id, slow, risk, groups, the site's name and first group (as quoted)."""
        cid = self.category_id(category)
        slow = cid < 0 or not LOWEST <= risk <= HIGHEST
        mask = 0
        for group in groups or ():
            bit = self.group_bit(group)
            slow = slow or bit < 0
            mask |= 1 << max(bit, 0)
        try:
            name = self.clean(rule.name).encode()
            first = self.clean(sorted(groups)[0]).encode() if groups else b""
        except UnicodeEncodeError:
            name, first, slow = b"", b"", True
        at = len(texts)
        texts += name
        texts += first
        return (
            cid,
            int(slow),
            risk if not slow else 0,
            mask if mask < 1 << 63 else 0,
            at,
            len(name),
            at + len(name),
            len(first),
        )

    def answer(self, catalogue: Catalogue, block: bytes, start: int, limit: int) -> tuple[int, bytes, int, int]:
        """Answers lines of ``block`` from byte ``start``, at most ``limit`` of them: (status, the answers, where
        the next line starts, how many lines were answered); see tg_answer. After SLOW or GATE, ``stopped`` says
        where the line is and where its client address is in ``block``."""
        state = self._state
        state[0] = start
        state[1] = limit
        status: int = self._answer(
            self.ctx, catalogue.handle, self.generation, block, len(block), self._state_at, self._out_at, OUT_SIZE
        )
        written = state[3]
        return status, ctypes.string_at(self._out_at, written) if written else b"", state[0], state[2]

    def stopped(self) -> tuple[int, int, int, int]:
        state = self._state
        return state[4], state[5], state[6], state[7]


def _mask(names: frozenset[str], bits: dict[str, int], cache: dict[frozenset[str], int]) -> int:
    """The bit mask of these names (those with a bit; -1 means none), kept per set of names."""
    mask = cache.get(names)
    if mask is None:
        mask = 0
        for name in names:
            bit = bits.get(name, -1)
            if bit >= 0:
                mask |= 1 << bit
        cache[names] = mask
    return mask
