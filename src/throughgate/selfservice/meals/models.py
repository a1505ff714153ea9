"""Meals: weekly menus, choices per meal, dietary markers, a resident's recorded diet and their picks."""

from __future__ import annotations
