"""Synthetic estates for testing AIM from outside: generated without reference to AIM's own method or data.

`independent` builds a prison estate with routines, self-harm episodes (some preceded by a change in routine, some
silent) and benign decoy changes, writes it in `aim ingest` format, and scores the daily colours AIM produced.
"""
