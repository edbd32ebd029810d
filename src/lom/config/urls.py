from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from lom.agreements.views import information_view
from lom.api.api import api
from lom.identity.views import account as identity_account
from lom.operations import views as operations_views
from lom.site import views as site_views

urlpatterns = [
    path("", site_views.home_view, name="home"),
    path("healthz", operations_views.healthz, name="healthz"),
    path("readyz", operations_views.readyz, name="readyz"),
    path("accessibility/", site_views.accessibility_view, name="accessibility"),
    path("login/", identity_account.login_view, name="login"),
    path("logout/", identity_account.logout_view, name="logout"),
    path("i18n/setlang/", site_views.set_language_view, name="set_language"),
    path("i18n/choose/", site_views.language_choose_view, name="language_choose"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("sso/", include("lom.identity.urls")),
    path("scim/v2/", include("lom.identity.scim_urls")),
    path("information/", information_view, name="information"),
    path("cases/", include("lom.cases.urls")),
    path("funds/", include("lom.funds.urls")),
    path("agreements/", include("lom.agreements.urls")),
    path("organisation/", include("lom.organisations.urls")),
    path("decisions/", include("lom.decisions.urls")),
    path("followup/", include("lom.followup.urls")),
    path("reports/", include("lom.reports.urls")),
    path("planning/", include("lom.planning.urls")),
    path("planning/", include("lom.decisions.from_plan_urls")),
    path("planning/", include("lom.reports.plan_urls")),
    path("fund/", include("lom.fundmode.urls")),
    path("support/", include("lom.support.urls")),
    path("library/", include("lom.library.urls")),
    path("benchmark/", include("lom.sector.urls")),
    path("events/", include("lom.events.urls")),
    path("outreach/", include("lom.outreach.urls")),
    path("mail/", include("lom.mail.urls")),
    path("register/", include("lom.register.urls")),
    path("privacy/", include("lom.privacy.urls")),
    path("levers/", include("lom.levers.urls")),
    path("diarium/", include("lom.diarium.urls")),
    path("integrations/webhooks/", include("lom.webhooks.urls")),
    path("o/", include("lom.outreach.public_urls")),
    path("api/v1/", api.urls),
    path("django-admin/login/", identity_account.admin_login_view),
    path("django-admin/", admin.site.urls),
]

if settings.DEBUG or getattr(settings, "LOM_BENCH_PING", False):
    urlpatterns.append(path("ping", site_views.ping, name="ping"))
