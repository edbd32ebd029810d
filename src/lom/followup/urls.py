from django.urls import path

from lom.followup import views

app_name = "followup"
urlpatterns = [
    path("", views.followup_list_view, name="list"),
    path("case/<int:pk>/", views.followup_case_view, name="case"),
    path("case/<int:pk>/end/", views.followup_record_view, {"kind": "end"}, name="record_end"),
    path(
        "case/<int:pk>/later/", views.followup_record_view, {"kind": "later"}, name="record_later"
    ),
    path("case/<int:pk>/participants/", views.participants_view, name="participants"),
    path("surveys/", views.survey_list_view, name="my_surveys"),
    path("surveys/<int:pk>/", views.survey_answer_view, name="survey_answer"),
]
