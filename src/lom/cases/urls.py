from django.urls import path

from lom.cases import letter_views, views

app_name = "cases"
urlpatterns = [
    path("", views.case_list_view, name="list"),
    path("new/", views.case_create_view, name="create"),
    path("<int:pk>/", views.case_detail_view, name="detail"),
    path("<int:pk>/edit/<slug:step>/", views.case_edit_view, name="edit"),
    path("<int:pk>/submit/", views.case_submit_view, name="submit"),
    path("<int:pk>/action/<slug:name>/", views.case_transition_view, name="transition"),
    path("<int:pk>/comment/", views.case_comment_view, name="comment"),
    path("<int:pk>/attachments/", views.case_attachment_view, name="attachment"),
    path("<int:pk>/expense/", views.case_expense_view, name="expense"),
    path("attachments/<int:pk>/", views.attachment_download_view, name="attachment_download"),
    path("<int:pk>/letters/<int:letter_id>.pdf", letter_views.letter_pdf_view, name="letter_pdf"),
]
