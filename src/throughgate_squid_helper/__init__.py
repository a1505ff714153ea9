"""The Squid external ACL helper: standard library only, so that Squid's ``proxy`` user can run it with the system
Python on the proxy host, without Throughgate's virtual environment or Django.

``throughgate access squid-conf`` copies this package next to ``squid_helper.py`` (a copy of ``__main__.py``, the
command Squid runs) and compiles its fast path there. ``throughgate access squid-helper`` runs the same loop inside
Django, with the database as its source. Throughgate imports ``policy`` from here: one definition of the rules.

- ``policy``: the decision, a pure function of a snapshot, a time, a device (or person) and a web address
- ``helper``: answers Squid's lines from a snapshot and counts the decisions
- ``fastpath`` (with ``fastpath.c``): the compiled hot path, loaded with ctypes (docs/adr/0009)
- ``source``: Throughgate over HTTP(S), where snapshots come from and counts go to
- ``serve``: the loop on standard input and output, the background refresh, the command line
"""
