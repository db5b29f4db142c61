"""Who may do what: roles, checked by every service before it writes."""
from __future__ import annotations

from core.errors import RoleRequired
from core.models import User
from core.types import Role


def require_role(actor: User | None, role: Role, doing: str) -> None:
    """Refuse (RoleRequired, a 403) unless `actor` has `role` or a higher one. None is the system itself."""
    if actor is None:
        return
    if not Role(actor.role).at_least(role):
        raise RoleRequired(str(role), actor.role, doing)
