"""Panels that packages above the fund add to the fund overview, without the fund importing
them: such a package registers a function here in its AppConfig.ready() (the levers against
unused money do). Each function gets the request's actor, the current period and its
forecast, and answers HTML (empty when it has nothing for this actor)."""

from collections.abc import Callable

from django.http import HttpRequest
from django.utils.safestring import SafeString

from lom.funds.models import FundPeriod
from lom.funds.selectors import Balance, Forecast
from lom.organisations.access import Actor

OverviewPanel = Callable[[HttpRequest, Actor, FundPeriod, Balance, Forecast], SafeString]
_PANELS: list[OverviewPanel] = []


def register_overview_panel(panel: OverviewPanel) -> None:
    if panel not in _PANELS:
        _PANELS.append(panel)


def overview_panels(
    *, request: HttpRequest, actor: Actor, period: FundPeriod, balance: Balance, forecast: Forecast
) -> list[SafeString]:
    out = [panel(request, actor, period, balance, forecast) for panel in _PANELS]
    return [html for html in out if html]
