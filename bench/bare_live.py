"""The yardstick of ``bench/live.py``: a bare Channels consumer that relays every
binary message to the other sockets of its room through the same channel layer, with
no authentication, no document, no database, served by the same daphne.

    daphne bench.bare_live:application
"""

import os

from django.conf import settings

if not settings.configured:
    redis_url = os.environ.get("REDIS_URL", "")
    settings.configure(
        DEBUG=False,
        SECRET_KEY="bench-only-key",
        ALLOWED_HOSTS=["127.0.0.1"],
        INSTALLED_APPS=["channels"],
        CHANNEL_LAYERS={
            "default": (
                {
                    "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",  # as the portal
                    "CONFIG": {"hosts": [redis_url]},
                }
                if redis_url
                else {"BACKEND": "channels.layers.InMemoryChannelLayer"}
            )
        },
    )

import django  # noqa: E402

django.setup()

from channels.generic.websocket import AsyncWebsocketConsumer  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from django.urls import path  # noqa: E402


class Echo(AsyncWebsocketConsumer):
    async def connect(self):
        self.group = "echo." + self.scope["url_route"]["kwargs"]["room"].replace("/", ".")
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()

    async def disconnect(self, code):
        await self.channel_layer.group_discard(self.group, self.channel_name)

    async def receive(self, text_data=None, bytes_data=None):
        await self.channel_layer.group_send(
            self.group, {"type": "relay", "data": bytes_data, "sender": self.channel_name}
        )

    async def relay(self, event):
        if event["sender"] != self.channel_name:
            await self.send(bytes_data=event["data"])


application = ProtocolTypeRouter(
    {"websocket": URLRouter([path("ws/live/<path:room>", Echo.as_asgi())])}
)
