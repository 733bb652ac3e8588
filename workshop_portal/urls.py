from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from sessions import views as session_views

urlpatterns = [
    path("", session_views.home, name="home"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("csrf-token/", session_views.csrf_token, name="csrf_token"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("w/", include("sessions.urls")),
    path("w/", include("summaries.urls")),
    path("w/", include("delegations.urls")),
]
