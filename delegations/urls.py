from django.urls import path

from . import views

app_name = "delegations"

urlpatterns = [
    path("card/<slug:workshop>/", views.card_sign_in, name="card_sign_in"),
]
