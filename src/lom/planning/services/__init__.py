"""Every write in planning, by sub-domain: workshops (setting up, steps, lock and versions),
the workshop board, the transition plan while it is a draft, and its joint approval and
versions. (Proposals turned into applications or a round: lom.decisions.services.from_plan.)

Every public service is one durable transaction; services that share work call the private,
non-durable helpers of the module that owns it."""

from lom.planning.services.approval import plan_approve, plan_new_version
from lom.planning.services.board import (
    area_add,
    area_remove,
    card_add,
    card_move,
    card_remove,
    closing_word_save,
    need_add,
    need_remove,
    proposal_add,
    proposal_remove,
)
from lom.planning.services.plan import (
    MeasureInput,
    NeedInput,
    plan_area_add,
    plan_area_remove,
    plan_create,
    plan_import_workshop,
    plan_measure_remove,
    plan_measure_save,
    plan_need_remove,
    plan_need_save,
    plan_update,
)
from lom.planning.services.workshop import (
    MAX_TIMEBOX_MINUTES,
    workshop_create,
    workshop_invite,
    workshop_lock,
    workshop_new_version,
    workshop_remove_participant,
    workshop_set_step,
    workshop_set_timebox,
)

__all__ = [
    "MAX_TIMEBOX_MINUTES",
    "MeasureInput",
    "NeedInput",
    "area_add",
    "area_remove",
    "card_add",
    "card_move",
    "card_remove",
    "closing_word_save",
    "need_add",
    "need_remove",
    "plan_approve",
    "plan_area_add",
    "plan_area_remove",
    "plan_create",
    "plan_import_workshop",
    "plan_measure_remove",
    "plan_measure_save",
    "plan_need_remove",
    "plan_need_save",
    "plan_new_version",
    "plan_update",
    "proposal_add",
    "proposal_remove",
    "workshop_create",
    "workshop_invite",
    "workshop_lock",
    "workshop_new_version",
    "workshop_remove_participant",
    "workshop_set_step",
    "workshop_set_timebox",
]
