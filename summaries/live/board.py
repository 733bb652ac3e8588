"""The organisers' board, live: a WebSocket per workshop that says "changed" when a
delegation saves, submits or goes idle (``notify.board_changed``), so the board asks
for its grid then instead of every few seconds. Facilitators and organisers only
(``delegations.permissions.workshop_for_organiser``)."""

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.http import Http404

from delegations.permissions import workshop_for_organiser


def board_group(workshop_id):
    return f"board.{workshop_id}"


class BoardConsumer(AsyncWebsocketConsumer):
    async def connect(self):
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=4401)
            return
        try:
            workshop = await database_sync_to_async(workshop_for_organiser)(
                user, self.scope["url_route"]["kwargs"]["workshop"]
            )
        except Http404:
            await self.close(code=4404)
            return
        self.group = board_group(workshop.pk)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()

    async def disconnect(self, code):
        if hasattr(self, "group"):
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def receive(self, text_data=None, bytes_data=None):
        pass  # the board only listens

    async def board_changed(self, event):
        await self.send(text_data="changed")
