"""Whether the API is up and ready."""

import argparse

from georedflow.osc.v1.base import Base


class ShowStatus(Base):
    """Show whether the API is up and ready, and its database revision."""

    def take_action(self, parsed_args: argparse.Namespace) -> int:
        body = self.api.call("GET", "/readyz")
        self.app.stdout.write(
            f"{self.api.url}: ready (database revision {body.get('database_revision')})\n"
        )
        return 0
