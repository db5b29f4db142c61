"""Who a dashboard session belongs to."""
from __future__ import annotations

from core.db import Prepared
from core.models import SessionEpoch, User

# Every dashboard request asks this: its SQL is written once (core.db.Prepared).
_SESSION_USER = Prepared(lambda user_id, epoch: User.select().join(SessionEpoch, on=SessionEpoch.user == User.id)
                         .where(User.id == user_id, SessionEpoch.epoch == epoch, User.active == True).limit(1),  # noqa: E712
                         User.id, SessionEpoch.epoch)


def session_user(user_id: int, epoch: str) -> User | None:
    """The active user a session names, if its epoch is still theirs (one query); None otherwise."""
    return _SESSION_USER.first(user_id, epoch)
