"""Small helpers shared by the HTML views."""

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from lom.common.errors import DomainError

T = TypeVar("T")


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


def form_status(request: HttpRequest) -> int:
    """400 for a page re-rendered after a refused POST (what was typed is kept), else 200."""
    return 400 if request.method == "POST" else 200


def run_form(
    request: HttpRequest,
    form: Any,
    action: Callable[[dict[str, Any]], T],
    *,
    success: str | Callable[[T], str],
    message: str | Callable[[T], str] | None = None,
) -> HttpResponse | None:
    """The view recipe: on a POST with a valid form, call the one service of the action with
    the cleaned data; a domain error lands on the form (on its field, or on top), success
    flashes `message` and redirects to `success` (a URL, or made from the service's result).
    Answers None when the page should be rendered (a GET, or errors to show)."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        result = action(form.cleaned_data)
    except DomainError as exc:
        add_domain_error(form, exc)
        return None
    if message is not None:
        messages.success(request, message(result) if callable(message) else message)
    return redirect(success(result) if callable(success) else success)


def post_action(
    request: HttpRequest,
    action: Callable[[], T],
    *,
    success: str,
    message: str | Callable[[T], str],
) -> HttpResponse:
    """A button that posts one action: call its one service; flash the refusal's reason or
    `message` (text, or made from the service's result), and go back to `success`."""
    try:
        result = action()
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, message(result) if callable(message) else message)
    return redirect(success)
