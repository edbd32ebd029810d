"""Small helpers shared by the HTML views."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render

from lom.common.errors import DomainError


def actor_view(*roles: str):
    """Log-in required, an active organisation required, and (optionally) one of `roles`.
    The view receives the actor as its second argument."""

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            actor = request.actor
            if not actor:
                return render(request, "no_role.html", status=403)
            if roles and not actor.has(*roles):
                raise PermissionDenied
            return view(
                request, actor._wrapped if hasattr(actor, "_wrapped") else actor, *args, **kwargs
            )

        return wrapper

    return decorator


def add_domain_error(form, exc: DomainError) -> None:
    field = exc.field if exc.field in form.fields else None
    form.add_error(field, str(exc.message))
