"""Timetable and attendance: activities, sessions, allocations and attendance records."""

from __future__ import annotations
