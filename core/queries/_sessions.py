"""Who a dashboard session belongs to."""
from __future__ import annotations

from core.models import SessionEpoch, User


def session_user(user_id: int, epoch: str) -> User | None:
    """The active user a session names, if its epoch is still theirs (one query); None otherwise."""
    return (
        User.select()
        .join(SessionEpoch, on=SessionEpoch.user == User.id)
        .where(User.id == user_id, SessionEpoch.epoch == epoch, User.active == True)  # noqa: E712
        .first()
    )
