"""Authorization-matrix entries for the notifications area (merged into test_authorization.MATRIX).

Everyone signed in reads and sets their own notifications and preferences; a notification of
someone else's answers 404; dead letters and their retry are for admins.
"""

import uuid

import httpx

from coresearch.domain.notifications.tables import Notification
from tests.authz_common import Case, admin_only, answers
from tests.conftest import World


async def prepare(client: httpx.AsyncClient, world: World) -> dict[str, str]:
    """A notification of the co-researcher's (the task `authz_work` assigned them), made dead so
    that an admin may retry it."""
    row = await (
        Notification.select(Notification.id)
        .where(Notification.recipient == uuid.UUID(world.people["co_researcher"].id))
        .order_by(Notification.created_at, ascending=False)
        .first()
    )
    assert row is not None, "authz_work's task notifies the co-researcher"
    await Notification.update({Notification.status: "dead"}).where(Notification.id == row["id"])
    return {"notification_id": str(row["id"])}


MATRIX: dict[tuple[str, str], Case] = {
    ("GET", "/api/v1/me/notifications"): Case(
        url=lambda w: "/api/v1/me/notifications", expected=answers(200)
    ),
    ("POST", "/api/v1/me/notifications/{notification_id:uuid}/read"): Case(
        url=lambda w: f"/api/v1/me/notifications/{w.extra['notification_id']}/read",
        expected=answers(404, co_researcher=200),
    ),
    ("POST", "/api/v1/me/notifications/read-all"): Case(
        url=lambda w: "/api/v1/me/notifications/read-all", expected=answers(200)
    ),
    ("GET", "/api/v1/me/notification-preferences"): Case(
        url=lambda w: "/api/v1/me/notification-preferences", expected=answers(200)
    ),
    ("PUT", "/api/v1/me/notification-preferences"): Case(
        url=lambda w: "/api/v1/me/notification-preferences",
        body=lambda p, w: {"language": "en", "channels": {"tasks": "portal"}},
        expected=answers(200),
    ),
    ("GET", "/api/v1/notifications/dead-letters"): Case(
        url=lambda w: "/api/v1/notifications/dead-letters", expected=admin_only(200)
    ),
    ("POST", "/api/v1/notifications/{notification_id:uuid}/retry"): Case(
        url=lambda w: f"/api/v1/notifications/{w.extra['notification_id']}/retry", expected=admin_only(200)
    ),
}

# The retry succeeds once (the message is pending again); each persona gets a dead one afresh.
ONE_SHOT = {("POST", "/api/v1/notifications/{notification_id:uuid}/retry")}
