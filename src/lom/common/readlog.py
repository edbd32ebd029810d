"""The read log of special-category data (GDPR art. 9, and the Swedish public-records rules on
secrecy): every display or export of such a field leaves a row in `ReadLog`."""

from collections.abc import Iterable

from lom.common.models import ReadLog


def record_read(  # step: written in the request that shows or exports the data
    *,
    organisation_id: int,
    actor,
    data_class: str,
    target,
    channel: str,
    employee_id: int | None = None,
) -> ReadLog:
    """One row: `actor` was shown (or exported) `data_class` of `target`."""
    return ReadLog.objects.create(
        organisation_id=organisation_id,
        actor=actor if actor is not None and actor.is_authenticated else None,
        data_class=data_class,
        target_type=target._meta.label_lower,
        target_id=target.pk,
        employee_id=employee_id,
        channel=channel,
    )


def record_reads(  # step: one row per record of an export, in one statement
    *,
    organisation_id: int,
    actor,
    data_class: str,
    targets: Iterable[tuple[object, int | None]],
    channel: str,
) -> int:
    """Rows for many records at once (an export): `targets` yields (record, employee id)."""
    user = actor if actor is not None and actor.is_authenticated else None
    rows = [
        ReadLog(
            organisation_id=organisation_id,
            actor=user,
            data_class=data_class,
            target_type=target._meta.label_lower,  # type: ignore[attr-defined]
            target_id=target.pk,  # type: ignore[attr-defined]
            employee_id=employee_id,
            channel=channel,
        )
        for target, employee_id in targets
    ]
    ReadLog.objects.bulk_create(rows, batch_size=1000)
    return len(rows)
