"""The probes of a load balancer or an orchestrator: /healthz (the process answers) and
/readyz (it can serve: database, migrations, worker, scheduler, media, SMTP). Neither needs a
sign-in, neither ever answers 500 nor shows a secret."""

from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from lom.operations.health import readiness


@never_cache
@require_safe
def healthz(request):
    """The process is alive: no database, nothing else."""
    return JsonResponse({"status": "ok"})


@never_cache
@require_safe
def readyz(request):
    """200 when every check holds, else 503 naming each failed check and why."""
    failed = readiness()
    if failed:
        return JsonResponse({"status": "unavailable", "failed": failed}, status=503)
    return JsonResponse({"status": "ok"})
