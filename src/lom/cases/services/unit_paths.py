"""Each case keeps a copy of its unit's path (one indexed prefix query per manager); when unit
paths change (a unit moved in the admin, a register import), the copies follow in the same
transaction."""

from collections.abc import Iterable
from typing import Any

from django.db.models import OuterRef, Subquery

from lom.cases.models import Case
from lom.organisations.models import Unit

BATCH = 1_000


def case_unit_paths_follow(  # step: runs in the transaction that changed the paths
    *, organisation_id: int, unit_ids: Iterable[int], **_signal: Any
) -> None:
    ids = list(unit_ids)
    for start in range(0, len(ids), BATCH):
        Case.objects.filter(
            organisation_id=organisation_id, unit_id__in=ids[start : start + BATCH]
        ).update(unit_path=Subquery(Unit.objects.filter(pk=OuterRef("unit_id")).values("path")[:1]))
