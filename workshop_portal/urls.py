from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from . import views
from .sign_in import SignInView

urlpatterns = [
    path("", views.home, name="home"),
    path("sw.js", views.service_worker, name="service_worker"),
    path(
        "accounts/login/",
        SignInView.as_view(),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("csrf-token/", views.csrf_token, name="csrf_token"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("w/<slug:workshop>/", views.workshop_detail, name="workshop"),
    path("w/", include("summaries.urls")),
    path("", include("delegations.urls")),  # access-card sign-in links: /card/<workshop>/
]
