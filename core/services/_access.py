"""Who may do what: roles, checked by every service before it writes."""
from __future__ import annotations

from core.errors import RoleRequired, invalid
from core.models import User
from core.types import Role


def require_role(actor: User, role: Role, doing: str) -> None:
    """Refuse (RoleRequired, a 403) unless `actor` has `role` or a higher one.

    The actor must be a `User`: anything else (a user id, a Slack id, None from a face that could
    not tell who is acting) is a ValidationFailed naming the action, not an AttributeError later.
    """
    if not isinstance(actor, User):
        raise invalid("invalid_type", f"{doing} needs the acting podesk user (a User), not {type(actor).__name__}")
    if not Role(actor.role).at_least(role):
        raise RoleRequired(str(role), actor.role, doing)
