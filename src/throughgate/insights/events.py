"""Audit actions of the insights app. Insights writes no activity events: it reads them."""

from django.utils.translation import gettext_lazy

from throughgate.core import audit

FIGURES_EXPORTED = audit.register_action("insights.figures.exported", gettext_lazy("Downloaded a chart's figures"))
ROLLUP_REBUILT = audit.register_action("insights.rollup.rebuilt", gettext_lazy("Rebuilt the daily figures"))
