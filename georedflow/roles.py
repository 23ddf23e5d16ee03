"""The two ends of a connection."""

ROLES = ("local", "remote")


def other(role: str) -> str:
    return "remote" if role == "local" else "local"
