"""Who may do what: roles, checked by every service before it writes."""
from __future__ import annotations

from core.errors import PermissionDenied, Problem
from core.models import User
from core.types import Role


def require_role(actor: User | None, role: Role, doing: str) -> None:
    """Refuse (403 forbidden) unless `actor` has `role` or a higher one. None is the system itself."""
    if actor is None:
        return
    if not Role(actor.role).at_least(role):
        raise PermissionDenied([Problem("forbidden", f"{doing} needs the {role} role (you are {actor.role})")])
