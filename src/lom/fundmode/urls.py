from django.urls import path

from lom.fundmode import views

app_name = "fundmode"

urlpatterns = [
    path("", views.index_view, name="index"),
    path("members/", views.members_view, name="members"),
    path("members/<int:pk>/remove/", views.member_remove_view, name="member_remove"),
    path("periods/new/", views.round_new_view, name="round_new"),
    path("periods/<int:pk>/", views.round_view, name="round"),
    path("periods/<int:pk>/payroll/import/", views.payroll_import_view, name="payroll_import"),
    path("periods/<int:pk>/allocate/", views.allocate_view, name="allocate"),
    path("periods/<int:pk>/criteria/", views.criteria_view, name="criteria"),
    path("periods/<int:pk>/statistics/", views.statistics_view, name="statistics"),
    path("periods/<int:pk>/statistics.xlsx", views.statistics_xlsx_view, name="statistics_xlsx"),
    path("criteria/<int:pk>/", views.criterion_edit_view, name="criterion_edit"),
    path("criteria/<int:pk>/active/", views.criterion_active_view, name="criterion_active"),
    path("pots/<int:pk>/", views.pot_view, name="pot"),
    path("reconciliation/", views.reconciliation_view, name="reconciliation"),
    path("notifications/new/", views.prenotify_view, name="prenotify"),
    path("notifications/<int:pk>/", views.notification_view, name="notification"),
    path("notifications/<int:pk>/edit/", views.notification_edit_view, name="notification_edit"),
    path("notifications/<int:pk>/employees/", views.pick_employees_view, name="pick_employees"),
    path("notifications/<int:pk>/attachments/", views.attach_view, name="attach"),
    path("notifications/<int:pk>/submit/", views.submit_view, name="submit"),
    path("notifications/<int:pk>/withdraw/", views.withdraw_view, name="withdraw"),
    path("notifications/<int:pk>/assess/", views.assess_view, name="assess"),
    path("notifications/<int:pk>/claim/", views.claim_new_view, name="claim_new"),
    path("attachments/<int:pk>/", views.attachment_download_view, name="attachment"),
    path("claims/<int:pk>/", views.claim_view, name="claim"),
    path("claims/<int:pk>/pay/", views.claim_pay_view, name="claim_pay"),
    path("claims/<int:pk>/return/", views.claim_return_view, name="claim_return"),
]
