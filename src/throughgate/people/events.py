"""Activity kinds of the people app: custody and conduct on a person's record (registered here, documented in
docs/events.md). Until the prison systems that record them are integrated, they arrive through imports."""

from throughgate.core import activity

ARRIVED = activity.register_kind("custody.arrived", "Arrived in custody at an establishment")
INCENTIVE_CHANGED = activity.register_kind(
    "incentive.changed", "Incentive level changed", "new level: 0 Basic, 1 Standard, 2 Enhanced"
)
ADJUDICATION_PROVEN = activity.register_kind("adjudication.proven", "A disciplinary charge was proven")
CELL_MOVED = activity.register_kind("cell.moved", "Moved to another cell")
SEGREGATION_STARTED = activity.register_kind("segregation.started", "Placed in segregation")
SELF_HARM_INCIDENT = activity.register_kind("self_harm.incident", "A self-harm incident was recorded by staff")
