from django.apps import AppConfig


class DecisionsConfig(AppConfig):
    name = "lom.decisions"
    label = "decisions"

    def ready(self) -> None:
        # The case page reads the parties' objections and positions in its one query.
        from lom.cases.page import PageRows, case_page_rows_register, desc_time
        from lom.decisions.models import Objection, Position

        case_page_rows_register(
            "objections",
            PageRows(
                Objection,
                "case",
                related=("union", "raised_by", "answered_by"),
                key=lambda r: (desc_time(r.raised_at), -r.pk),
            ),
        )
        case_page_rows_register(
            "positions",
            PageRows(
                Position,
                "item__case",
                related=("union", "item", "item__meeting"),
                key=lambda r: (
                    r.item.meeting.starts_at,
                    r.final,
                    r.union_id is None,
                    r.union_id or 0,
                ),
            ),
        )
