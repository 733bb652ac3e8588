"""The live pages' WebSocket addresses (``workshop_portal/asgi.py``): one per editable
page, a session's summary or the plan of one delegation. No trailing slash: y-websocket
appends the room name to the server address as it is."""

from django.urls import path

from .live.board import BoardConsumer
from .live.consumer import LiveConsumer

websocket_urlpatterns = [
    path("ws/live/board/<slug:workshop>", BoardConsumer.as_asgi()),
    path(
        "ws/live/<str:kind>/<slug:workshop>/<slug:delegation>/<session_code:session>",
        LiveConsumer.as_asgi(),
    ),
    path("ws/live/<str:kind>/<slug:workshop>/<slug:delegation>", LiveConsumer.as_asgi()),
]
