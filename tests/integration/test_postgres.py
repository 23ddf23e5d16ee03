"""georedflow's schema on the real PostgreSQL server."""

import subprocess
import sys
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import inspect

from georedflow.api.app import create_app
from georedflow.storage import db, migrate
from georedflow.wiring import Settings, build


def test_manage_db_upgrade_builds_the_schema_on_postgres(postgres_url: str, tmp_path: Path) -> None:
    config_file = tmp_path / "georedflow.conf"
    config_file.write_text(f"[database]\nconnection = {postgres_url}\n")

    result = subprocess.run(
        [
            str(Path(sys.executable).parent / "georedflow-manage"),
            "--config-file",
            str(config_file),
            "db",
            "upgrade",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stderr
    engine = db.make_engine(postgres_url)
    assert engine.dialect.name == "postgresql"
    assert migrate.current_revision(engine) == migrate.head_revision()
    assert {"sites", "connections", "endpoints", "jobs", "job_tasks"} <= set(
        inspect(engine).get_table_names()
    )
    assert migrate.schema_drift(engine) == []
    engine.dispose()


def test_readyz_on_postgres(postgres_url: str, tmp_path: Path) -> None:
    application = build(
        Settings(database_url=postgres_url, secret_key_file=str(tmp_path / "secret.key"))
    )
    client = TestClient(create_app(application))
    assert client.get("/readyz").status_code == 503

    migrate.upgrade(postgres_url)

    assert client.get("/readyz").status_code == 200
    application.close()
