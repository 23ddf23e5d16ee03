from pathlib import Path

from fastapi.testclient import TestClient

from georedflow.api.app import create_app
from georedflow.storage import migrate
from georedflow.wiring import Settings, build


def client_for(url: str, tmp_path: Path) -> TestClient:
    settings = Settings(database_url=url, secret_key_file=str(tmp_path / "secret.key"))
    return TestClient(create_app(build(settings)))


def test_healthz_answers_without_a_database(sqlite_url: str, tmp_path: Path) -> None:
    client = client_for(sqlite_url, tmp_path)

    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readyz_is_ready_once_the_schema_is_at_head(sqlite_url: str, tmp_path: Path) -> None:
    migrate.upgrade(sqlite_url)
    client = client_for(sqlite_url, tmp_path)

    response = client.get("/readyz")

    assert response.status_code == 200
    assert response.json()["database_revision"] == migrate.head_revision()


def test_readyz_says_what_to_run_when_the_schema_is_missing(
    sqlite_url: str, tmp_path: Path
) -> None:
    client = client_for(sqlite_url, tmp_path)

    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == 503
    assert "georedflow-manage db upgrade" in body["detail"]


def test_readyz_reports_an_unreachable_database(tmp_path: Path) -> None:
    client = client_for("postgresql+psycopg://nobody@127.0.0.1:1/none", tmp_path)

    response = client.get("/readyz")

    assert response.status_code == 503
    assert "does not answer" in response.json()["detail"]


def test_unknown_paths_are_problem_json(sqlite_url: str, tmp_path: Path) -> None:
    client = client_for(sqlite_url, tmp_path)

    response = client.get("/v1/nothing-here")

    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["title"] == "Not Found"


def test_readyz_says_when_the_zookeeper_board_is_disconnected(
    sqlite_url: str, tmp_path: Path
) -> None:
    migrate.upgrade(sqlite_url)
    client = client_for(sqlite_url, tmp_path)

    class Disconnected:  # what a KazooClient reports while ZooKeeper is away
        connected = False

    client.app.state.zookeeper = Disconnected()  # type: ignore[attr-defined]
    response = client.get("/readyz")

    assert response.status_code == 503
    assert "ZooKeeper" in response.json()["detail"]
