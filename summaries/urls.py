from django.urls import path

from . import views

app_name = "summaries"

summary = "<slug:workshop>/d/<slug:delegation>/s/<str:session>/"

urlpatterns = [
    path("<slug:workshop>/s/<str:session>/", views.session_entry, name="session"),
    path("<slug:workshop>/d/<slug:delegation>/", views.delegation_page, name="delegation"),
    path(summary, views.summary_page, name="summary"),
    path(summary + "details/", views.details_save, name="details_save"),
    path(summary + "submit/", views.summary_submit, name="submit"),
    path(summary + "reopen/", views.summary_reopen, name="reopen"),
    path(summary + "timer/", views.timer_start, name="timer"),
    path(summary + "answers/<int:number>/", views.answer_save, name="answer_save"),
    path(summary + "answers/<int:number>/history/", views.answer_history, name="answer_history"),
    path(summary + "answers/<int:number>/restore/", views.answer_restore, name="answer_restore"),
]
