from django.urls import path

from . import views

app_name = "sessions"

urlpatterns = [
    path("<slug:workshop>/", views.workshop_detail, name="workshop"),
    path(
        "<slug:workshop>/preview/<str:session>/",
        views.session_preview_page,
        name="session_preview",
    ),
]
