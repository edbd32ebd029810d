from django.urls import path

from lom.library import views

app_name = "library"

urlpatterns = [
    path("", views.index, name="index"),
    path("export.csv", views.export_csv, name="export"),
    path("manage/", views.manage, name="manage"),
    path("new/<int:case_id>/", views.draft_new, name="draft_new"),
    path("<int:pk>/", views.entry, name="entry"),
    path("<int:pk>/edit/", views.entry_edit, name="entry_edit"),
    path("<int:pk>/consent/", views.entry_consent, name="entry_consent"),
    path("<int:pk>/publish-anyway/", views.entry_publish_anyway, name="entry_publish_anyway"),
    path("<int:pk>/withdraw/", views.entry_withdraw, name="entry_withdraw"),
]
