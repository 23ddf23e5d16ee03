"""Who may do what: the one table of georedflow's access rules.

Sites are infrastructure: everyone authenticated may read them, only admins
change them. Connections belong to the project that created them: readers of
that project may read them, members may change them, other projects do not
see them at all (404, not 403). Jobs, config snapshots and subscriptions follow
their connection's (or their own) project the same way.
"""

from georedflow.api.auth import Caller
from georedflow.exceptions import Forbidden, NotFound

READER = frozenset({"reader", "member", "admin"})
MEMBER = frozenset({"member", "admin"})
ADMIN = frozenset({"admin"})

RULES: dict[str, frozenset[str]] = {
    "site:list": READER,
    "site:show": READER,
    "site:create": ADMIN,
    "site:update": ADMIN,
    "site:delete": ADMIN,
    "site:probe": ADMIN,
    "connection:list": READER,
    "connection:show": READER,
    "connection:create": MEMBER,
    "connection:delete": MEMBER,
    "connection:activate": MEMBER,
    "connection:verify": MEMBER,
    "connection:repair": MEMBER,
    "config:put": MEMBER,
    "config:show": READER,
    "subscription:create": MEMBER,
    "subscription:list": READER,
    "subscription:show": READER,
    "subscription:delete": MEMBER,
    "job:list": READER,
    "job:show": READER,
}


def enforce(caller: Caller, action: str) -> None:
    """Refuse (403) an action the caller's roles do not allow."""
    if not caller.roles & RULES[action]:
        raise Forbidden(f"{action} needs one of the roles {', '.join(sorted(RULES[action]))}")


def visible_project(caller: Caller) -> str | None:
    """The project whose resources the caller sees; None: every project (admin)."""
    return None if caller.is_admin else caller.project_id


def check_owner(caller: Caller, project_id: str | None, what: str) -> None:
    """A resource of another project looks like one that does not exist."""
    if not caller.is_admin and project_id != caller.project_id:
        raise NotFound(f"{what} does not exist")
