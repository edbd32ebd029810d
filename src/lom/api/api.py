"""JSON API v1: the API object, its authentication and throttles, and the packages' routers.
Each package's router is thin: parse, call the same selectors and services as the HTML views."""

from lom.agreements.api import information_router
from lom.agreements.api import router as agreements_router
from lom.api.auth import SessionAuth, TokenAuth
from lom.api.contract import LomAPI, install_error_handlers
from lom.api.throttling import AnonThrottle, UserThrottle
from lom.cases.api import router as cases_router
from lom.decisions.api import router as decisions_router
from lom.diarium.api import router as diarium_router
from lom.events.api import router as events_router
from lom.followup.api import router as followup_router
from lom.fundmode.api import router as fundmode_router
from lom.funds.api import router as funds_router
from lom.identity.api import router as identity_router
from lom.levers.api import periods_router as levers_periods_router
from lom.levers.api import router as levers_router
from lom.library.api import router as library_router
from lom.mail.api import router as mail_router
from lom.organisations.api import me_router
from lom.organisations.api import router as organisation_router
from lom.outreach.api import router as outreach_router
from lom.planning.api import router as planning_router
from lom.privacy.api import router as privacy_router
from lom.register.api import router as register_router
from lom.reports.api import router as reports_router
from lom.sector.api import router as sector_router
from lom.support.api import router as support_router
from lom.webhooks.api import router as webhooks_router

api = LomAPI(
    title="LOM API",
    version="1",
    urls_namespace="api",
    auth=[TokenAuth(), SessionAuth()],
    description="Local transition funds: applications, agreements, fund periods and ledger.",
    throttle=[AnonThrottle(), UserThrottle()],
)
install_error_handlers(api)
api.add_router("/me", me_router)
api.add_router("/organisation", organisation_router)
api.add_router("/cases", cases_router)
api.add_router("/agreements", agreements_router)
api.add_router("/information", information_router)
api.add_router("/fund-periods", funds_router)
api.add_router("/reports", reports_router)
api.add_router("/fund", fundmode_router)
api.add_router("/support", support_router)
api.add_router("/library", library_router)
api.add_router("/benchmark", sector_router)
api.add_router("/events", events_router)
api.add_router("/outreach", outreach_router)
api.add_router("/identity", identity_router)
api.add_router("/register", register_router)
api.add_router("/planning", planning_router)
api.add_router("/decisions", decisions_router)
api.add_router("/privacy", privacy_router)
api.add_router("/mail", mail_router)
api.add_router("/webhooks", webhooks_router)
api.add_router("/followup", followup_router)
api.add_router("/diarium", diarium_router)
api.add_router("/levers", levers_router)
api.add_router("/funds", levers_periods_router)
