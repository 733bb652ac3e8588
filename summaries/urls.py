from django.urls import path

from .views import documents, organisers
from .views import history as history_views
from .views import plan as plan_views
from .views import summary as summary_views

app_name = "summaries"

summary_url = "<slug:workshop>/d/<slug:delegation>/s/<session_code:session>/"

plan_url = "<slug:workshop>/d/<slug:delegation>/plan/"
item = plan_url + "<str:kind>/<int:pk>/"

urlpatterns = [
    path("<slug:workshop>/board/", organisers.board, name="board"),
    path("<slug:workshop>/board/grid/", organisers.board_grid, name="board_grid"),
    path(
        "<slug:workshop>/compare/<session_code:session>/<int:number>/",
        organisers.compare,
        name="compare",
    ),
    path("<slug:workshop>/export/", organisers.export_page, name="exports"),
    path(
        "<slug:workshop>/export/<slug:table>.<slug:fmt>",
        organisers.export_file,
        name="export_file",
    ),
    path(
        "<slug:workshop>/export/answers/<session_code:session>.<slug:fmt>",
        organisers.answer_export_file,
        name="answer_export_file",
    ),
    path(
        "<slug:workshop>/preview/<session_code:session>/",
        organisers.session_preview_page,
        name="session_preview",
    ),
    path(
        "<slug:workshop>/d/<slug:delegation>/pdf/<str:kind>/",
        documents.document_download,
        name="document",
    ),
    path("<slug:workshop>/bundle/", documents.bundle_start, name="bundle_start"),
    path("<slug:workshop>/bundle/<int:pk>/", documents.bundle_status, name="bundle"),
    path(
        "<slug:workshop>/bundle/<int:pk>/download/",
        documents.bundle_download,
        name="bundle_download",
    ),
    path(plan_url, plan_views.plan_page, name="plan"),
    path(plan_url + "prefill/", plan_views.plan_prefill, name="plan_prefill"),
    path(plan_url + "status/", plan_views.plan_status, name="plan_status"),
    path(plan_url + "<str:kind>/new/", plan_views.plan_item_create, name="plan_item_create"),
    path(item, plan_views.plan_item_save, name="plan_item_save"),
    path(item + "delete/", plan_views.plan_item_delete, name="plan_item_delete"),
    path(item + "put-back/", plan_views.plan_item_put_back, name="plan_item_put_back"),
    path(item + "restore/", plan_views.plan_item_restore, name="plan_item_restore"),
    path(item + "move/", plan_views.plan_item_move, name="plan_item_move"),
    path(item + "history/", plan_views.plan_item_history, name="plan_item_history"),
    path("<slug:workshop>/s/<session_code:session>/", summary_views.session_entry, name="session"),
    path("<slug:workshop>/d/<slug:delegation>/", summary_views.delegation_page, name="delegation"),
    path(summary_url, summary_views.summary_page, name="summary"),
    path(summary_url + "pdf/", documents.summary_pdf, name="summary_pdf"),
    path(summary_url + "details/", summary_views.details_save, name="details_save"),
    path(
        summary_url + "details/history/",
        history_views.details_history,
        name="details_history",
    ),
    path(
        summary_url + "details/restore/",
        history_views.details_restore,
        name="details_restore",
    ),
    path(summary_url + "submit/", summary_views.summary_submit, name="submit"),
    path(summary_url + "reopen/", summary_views.summary_reopen, name="reopen"),
    path(summary_url + "timer/", summary_views.timer_start, name="timer"),
    path(summary_url + "answers/<int:number>/", summary_views.answer_save, name="answer_save"),
    path(
        summary_url + "answers/<int:number>/history/",
        history_views.answer_history,
        name="answer_history",
    ),
    path(
        summary_url + "answers/<int:number>/restore/",
        history_views.answer_restore,
        name="answer_restore",
    ),
]
