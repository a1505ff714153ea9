"""Throughgate: digital services for a prison and probation estate."""
