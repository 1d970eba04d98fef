"""The visitor's notifications (unread first, mark as read) and how they want them."""

from __future__ import annotations

from uuid import UUID

import msgspec
from litestar import Controller, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from coresearch.domain.notifications import schemas as notification_schemas
from coresearch.domain.notifications import service as notifications
from coresearch.domain.notifications.kinds import ALWAYS_KEPT, Topic
from coresearch.domain.notifications.tables import Channel, Language
from coresearch.lib.pagination import MAX_LIMIT
from coresearch.portal.forms import FieldErrors, form_of
from coresearch.portal.i18n import N_
from coresearch.portal.session import PORTAL_PATH
from coresearch.portal.web import AnyRequest, Viewer, render, see_other

TOPICS = [topic.value for topic in Topic]
KEPT = [topic.value for topic in ALWAYS_KEPT]


class NotificationPages(Controller):
    """`/portal/notifications` and `/portal/notifications/settings`."""

    path = PORTAL_PATH

    @get("/notifications", name="portal:notifications")
    async def notification_list(self, request: AnyRequest, viewer: Viewer) -> Template:
        """The visitor's messages: unread first, newest first."""
        page = await notifications.list_mine(
            principal=viewer, filters=notification_schemas.NotificationFilters(limit=MAX_LIMIT)
        )
        return render(
            request,
            "notifications.html",
            viewer=viewer,
            unread=[item for item in page.items if not item.read],
            read=[item for item in page.items if item.read],
        )

    @post("/notifications/{notification_id:uuid}/read")
    async def mark_read(self, viewer: Viewer, notification_id: FromPath[UUID]) -> Redirect:
        """Mark one message as read (404 for anyone else's)."""
        await notifications.mark_read(principal=viewer, notification_id=notification_id)
        return see_other(f"{PORTAL_PATH}/notifications")

    @post("/notifications/read-all")
    async def mark_all_read(self, viewer: Viewer) -> Redirect:
        """Mark every message as read."""
        await notifications.mark_all_read(principal=viewer)
        return see_other(f"{PORTAL_PATH}/notifications")

    @get("/notifications/settings", name="portal:notification_settings")
    async def settings(self, request: AnyRequest, viewer: Viewer) -> Template:
        """A choice per topic (e-mail, portal only, off where allowed) and the language."""
        chosen = await notifications.get_preferences(principal=viewer)
        return render(
            request,
            "notification_settings.html",
            viewer=viewer,
            chosen=msgspec.structs.asdict(chosen.channels),
            language=chosen.language.value,
            topics=TOPICS,
            kept=KEPT,
            errors=FieldErrors(),
            saved=request.query_params.get("saved") == "1",
        )

    @post("/notifications/settings")
    async def save_settings(self, request: AnyRequest, viewer: Viewer) -> Template | Redirect:
        """Save the choices; agreements and payments cannot be off (shown next to the field)."""
        form = await form_of(request)
        errors = FieldErrors()
        chosen: dict[str, Channel] = {}
        for topic in TOPICS:
            try:
                chosen[topic] = Channel(form.get(topic, ""))
            except ValueError:
                errors.add(topic, N_("Choose one answer."))
                continue
            if chosen[topic] == Channel.off and topic in KEPT:
                errors.add(topic, N_("You cannot turn this off. Choose the portal to get no e-mail."))
        try:
            language = Language(form.get("language", ""))
        except ValueError:
            errors.add("language", N_("Choose one answer."))
            language = Language.nb
        if errors:
            return render(
                request,
                "notification_settings.html",
                viewer=viewer,
                chosen={topic: channel.value for topic, channel in chosen.items()},
                language=language.value,
                topics=TOPICS,
                kept=KEPT,
                errors=errors,
                saved=False,
                status_code=400,
            )
        await notifications.put_preferences(
            principal=viewer,
            data=notification_schemas.PreferencesUpdate(
                language=language, channels=msgspec.convert(chosen, notification_schemas.ChannelsUpdate)
            ),
        )
        return see_other(f"{PORTAL_PATH}/notifications/settings?saved=1")
