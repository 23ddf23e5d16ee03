from pathlib import Path

from fastapi.testclient import TestClient

from georedflow.api.app import create_app
from georedflow.wiring import Settings, build


def test_an_oversized_body_is_refused_with_problem_json(sqlite_url: str, tmp_path: Path) -> None:
    app = create_app(
        build(Settings(database_url=sqlite_url, secret_key_file=str(tmp_path / "k"))),
        max_body_bytes=4096,
    )
    client = TestClient(app)

    response = client.post(
        "/v1/sites",
        content=b'{"name": "' + b"x" * 10_000 + b'"}',
        headers={"Content-Type": "application/json"},
    )

    assert response.status_code == 413
    assert response.headers["content-type"] == "application/problem+json"


def test_a_streamed_body_is_cut_off_at_the_limit(sqlite_url: str, tmp_path: Path) -> None:
    app = create_app(
        build(Settings(database_url=sqlite_url, secret_key_file=str(tmp_path / "k"))),
        max_body_bytes=4096,
    )
    client = TestClient(app)

    response = client.post(
        "/v1/sites",
        content=iter([b'{"name": "', b"x" * 3000, b"x" * 3000, b'"}']),
        headers={"Content-Type": "application/json"},
    )

    assert response.status_code == 413
    assert response.json()["status"] == 413
