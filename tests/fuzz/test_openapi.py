"""schemathesis over the served OpenAPI: no server error, no response outside the schema.

Runs in-process against the ASGI app with an empty database and no clouds, so
nothing it sends can reach a cloud; the number of examples per operation is bounded.
"""

import os
from pathlib import Path

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import positive_data_acceptance

from georedflow.api.app import create_app
from georedflow.jobs import persistence
from georedflow.storage import migrate
from georedflow.wiring import Settings, build

STATE = Path(os.environ.get("GEOREDFLOW_FUZZ_DIR", "/tmp/georedflow-fuzz"))
STATE.mkdir(parents=True, exist_ok=True)
(STATE / "georedflow.sqlite").unlink(missing_ok=True)
URL = f"sqlite:///{STATE / 'georedflow.sqlite'}"
migrate.upgrade(URL)
APPLICATION = build(
    Settings(
        database_url=URL,
        secret_key_file=str(STATE / "secret.key"),
        clouds_file=str(STATE / "no-clouds.yaml"),
    )
)
persistence.upgrade(APPLICATION.engine)
(STATE / "no-clouds.yaml").write_text("clouds: {}\n")

schema = schemathesis.openapi.from_asgi("/openapi.json", create_app(APPLICATION))


@schema.parametrize()
@settings(
    max_examples=int(os.environ.get("GEOREDFLOW_FUZZ_EXAMPLES", "25")),
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_api_answers_within_its_schema(case: schemathesis.Case) -> None:
    # A schema-valid body may still name a cloud or site that does not exist: a 4xx
    # answer to it is right, so "schema-valid means accepted" is not checked.
    case.call_and_validate(excluded_checks=[positive_data_acceptance])
