from django.urls import path

from . import views

app_name = "delegations"

urlpatterns = [
    path("<slug:workshop>/board/", views.board, name="board"),
    path("<slug:workshop>/board/grid/", views.board_grid, name="board_grid"),
    path("<slug:workshop>/compare/<str:session>/<int:number>/", views.compare, name="compare"),
    path("<slug:workshop>/export/", views.export_page, name="exports"),
    path("<slug:workshop>/export/<slug:table>.<slug:fmt>", views.export_file, name="export_file"),
]
