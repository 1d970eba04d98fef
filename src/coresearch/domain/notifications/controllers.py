"""HTTP routes of the notifications area: the caller's messages and preferences, and the admins'
dead letters."""

from __future__ import annotations

from uuid import UUID

from litestar import Controller, get, post, put
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_200_OK

from coresearch.domain.accounts.guards import admin_only
from coresearch.domain.accounts.schemas import AuthedRequest
from coresearch.domain.notifications import schemas as s
from coresearch.domain.notifications import service
from coresearch.lib.openapi import problem_responses
from coresearch.lib.pagination import Page, provide_filters


class MyNotificationsController(Controller):
    """The caller's notifications and how they want them."""

    path = "/me"
    tags = ["notifications"]

    @get(
        "/notifications",
        operation_id="my_notifications_list",
        dependencies=provide_filters(s.NotificationFilters),
    )
    async def list_notifications(
        self, request: AuthedRequest, filters: NamedDependency[s.NotificationFilters]
    ) -> Page[s.Notification]:
        """The caller's notifications: unread first, then newest first (`unread=true`: unread only)."""
        return await service.list_mine(principal=request.user, filters=filters)

    @post(
        "/notifications/{notification_id:uuid}/read",
        operation_id="my_notifications_read",
        status_code=HTTP_200_OK,
        responses=problem_responses(404),
    )
    async def mark_read(self, notification_id: FromPath[UUID], request: AuthedRequest) -> s.Notification:
        """Mark one of the caller's notifications as read."""
        return await service.mark_read(principal=request.user, notification_id=notification_id)

    @post("/notifications/read-all", operation_id="my_notifications_read_all", status_code=HTTP_200_OK)
    async def mark_all_read(self, request: AuthedRequest) -> s.ReadAll:
        """Mark all the caller's notifications as read; how many were unread."""
        return await service.mark_all_read(principal=request.user)

    @get("/notification-preferences", operation_id="my_notification_preferences_get")
    async def get_preferences(self, request: AuthedRequest) -> s.Preferences:
        """The caller's language for messages and channel per topic: email, portal or off."""
        return await service.get_preferences(principal=request.user)

    @put(
        "/notification-preferences",
        operation_id="my_notification_preferences_put",
        responses=problem_responses(422),
    )
    async def put_preferences(
        self, data: JSONBody[s.PreferencesUpdate], request: AuthedRequest
    ) -> s.Preferences:
        """Change the language (`nb`, `en`) and channels; omitted ones stay. `agreements` and
        `payments` cannot be `off` (422)."""
        return await service.put_preferences(principal=request.user, data=data)


class DeadLettersController(Controller):
    """Messages the outbox gave up on (admins)."""

    path = "/notifications"
    tags = ["notifications"]
    guards = [admin_only]

    @get(
        "/dead-letters",
        operation_id="notifications_dead_letters",
        dependencies=provide_filters(s.DeadLetterFilters),
        responses=problem_responses(403),
    )
    async def list_dead_letters(
        self, request: AuthedRequest, filters: NamedDependency[s.DeadLetterFilters]
    ) -> Page[s.DeadLetter]:
        """Messages not mailed after their last attempt, newest first (admins; no bodies)."""
        return await service.list_dead_letters(filters=filters)

    @post(
        "/{notification_id:uuid}/retry",
        operation_id="notifications_retry",
        status_code=HTTP_200_OK,
        responses=problem_responses(403, 404, 409),
    )
    async def retry(self, notification_id: FromPath[UUID], request: AuthedRequest) -> s.Retried:
        """Queue a dead message again with a fresh count of attempts (admins); 409 unless dead."""
        return await service.retry(principal=request.user, notification_id=notification_id)


ROUTE_HANDLERS: list[type[Controller]] = [MyNotificationsController, DeadLettersController]
