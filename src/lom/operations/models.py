"""Running LOM as a service: the scheduler's record of periodic jobs and the workers'
heartbeats."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from lom.common.bounds import NAME_MAX, SHORT_TEXT_MAX


class WorkerHeartbeat(models.Model):
    """A background process that is alive: a task worker (`manage.py run_worker`) or the
    scheduler (`manage.py run_scheduler`) writes its row every few seconds. A task whose worker
    stopped beating is given back to the queue (`tasks_requeue_lost`)."""

    class Role(models.TextChoices):
        WORKER = "worker", _("arbetsprocess")
        SCHEDULER = "scheduler", _("schemaläggare")

    worker_id = models.CharField(max_length=64, unique=True)
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.WORKER)
    host = models.CharField(max_length=NAME_MAX)
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    seen_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["-seen_at"]
        verbose_name = _("livstecken")
        verbose_name_plural = _("livstecken")

    def __str__(self) -> str:
        return f"{self.role} {self.worker_id} ({self.host}:{self.pid})"


class JobRun(models.Model):
    """One run of a periodic job for one slot (the due time it runs for). The pair (job, slot)
    is unique: two schedulers started by mistake cannot both claim a run."""

    class Outcome(models.TextChoices):
        RUNNING = "running", _("pågår")
        ENQUEUED = "enqueued", _("köad")
        OK = "ok", _("klar")
        FAILED = "failed", _("misslyckades")

    job = models.CharField(max_length=60)
    slot = models.DateTimeField()
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    duration_ms = models.PositiveIntegerField(null=True, blank=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices, default=Outcome.RUNNING)
    # The id of the task result when the job was handed to the workers.
    task_id = models.CharField(max_length=64, blank=True)
    detail = models.CharField(max_length=SHORT_TEXT_MAX, blank=True)

    class Meta:
        ordering = ["-slot", "job"]
        constraints = [models.UniqueConstraint(fields=["job", "slot"], name="jobrun_one_per_slot")]
        indexes = [models.Index(fields=["job", "-slot"], name="jobrun_job_slot_idx")]

    def __str__(self) -> str:
        return f"{self.job} @ {self.slot:%Y-%m-%d %H:%M:%S} ({self.outcome})"


class OperationsEvent(models.Model):
    """The audit trail of what the operations machinery itself did to shared state (a lost
    task given back to the queue or given up). Not tied to one organisation, hence not an
    AuditEvent. Append-only."""

    action = models.CharField(max_length=60)
    subject = models.CharField(max_length=NAME_MAX)
    detail = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.action} {self.subject}"


class AccessibilityStatement(models.Model):
    """The installation's accessibility statement (DIGG's template): compliance, how and when
    the service was assessed, the statement's dates. One row, edited by the platform
    administrator in the Django admin; without a row the page shows the defaults of
    `lom.operations.selectors.accessibility_statement`."""

    class Compliance(models.TextChoices):
        FULL = "full", _("helt förenlig")
        PARTIAL = "partial", _("delvis förenlig")
        NONE = "none", _("inte förenlig")

    compliance = models.CharField(
        _("förenlighet med lagkraven"),
        max_length=10,
        choices=Compliance.choices,
        default=Compliance.PARTIAL,
    )
    assessment_method = models.TextField(_("hur tjänsten har granskats"), max_length=SHORT_TEXT_MAX)
    assessed_on = models.DateField(_("datum för granskningen"))
    published_on = models.DateField(_("redogörelsen upprättades"))
    reviewed_on = models.DateField(_("redogörelsen uppdaterades senast"))
    contact_email = models.EmailField(
        _("e-post för synpunkter på tillgängligheten"), blank=True, max_length=254
    )

    class Meta:
        verbose_name = _("tillgänglighetsredogörelse")
        verbose_name_plural = _("tillgänglighetsredogörelser")

    def __str__(self) -> str:
        return str(_("Tillgänglighetsredogörelse"))


class AccessibilityIssue(models.Model):
    """A known piece of content that is not accessible, with why (the law's three reasons)."""

    class Reason(models.TextChoices):
        NON_COMPLIANCE = "non_compliance", _("bristande förenlighet med lagkraven")
        BURDEN = "burden", _("oskälig belastning")
        OUT_OF_SCOPE = "out_of_scope", _("innehållet omfattas inte av lagkraven")

    statement = models.ForeignKey(
        AccessibilityStatement, on_delete=models.CASCADE, related_name="issues"
    )
    title = models.CharField(_("brist"), max_length=NAME_MAX)
    description = models.TextField(_("beskrivning"), max_length=SHORT_TEXT_MAX)
    reason = models.CharField(
        _("skäl"), max_length=20, choices=Reason.choices, default=Reason.NON_COMPLIANCE
    )
    order = models.PositiveSmallIntegerField(_("ordning"), default=0)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("känd brist")
        verbose_name_plural = _("kända brister")

    def __str__(self) -> str:
        return self.title
