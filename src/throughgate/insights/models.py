"""The insights app's models, from its feature packages, so that Django finds them."""

from throughgate.insights.rollups.models import DailyFigure, RolledDay

__all__ = ["DailyFigure", "RolledDay"]
