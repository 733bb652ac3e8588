from django.urls import path

from . import views

app_name = "summaries"

summary = "<slug:workshop>/d/<slug:delegation>/s/<str:session>/"

plan = "<slug:workshop>/d/<slug:delegation>/plan/"
item = plan + "<str:kind>/<int:pk>/"

urlpatterns = [
    path(
        "<slug:workshop>/d/<slug:delegation>/pdf/<str:kind>/",
        views.document_download,
        name="document",
    ),
    path("<slug:workshop>/bundle/", views.bundle_start, name="bundle_start"),
    path("<slug:workshop>/bundle/<int:pk>/", views.bundle_status, name="bundle"),
    path(
        "<slug:workshop>/bundle/<int:pk>/download/", views.bundle_download, name="bundle_download"
    ),
    path(plan, views.plan_page, name="plan"),
    path(plan + "prefill/", views.plan_prefill, name="plan_prefill"),
    path(plan + "status/", views.plan_status, name="plan_status"),
    path(plan + "<str:kind>/new/", views.plan_item_create, name="plan_item_create"),
    path(item, views.plan_item_save, name="plan_item_save"),
    path(item + "delete/", views.plan_item_delete, name="plan_item_delete"),
    path(item + "move/", views.plan_item_move, name="plan_item_move"),
    path(item + "history/", views.plan_item_history, name="plan_item_history"),
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
