"""Lists filter by name; a query parameter no route takes is a 400, not ignored."""

from fastapi.testclient import TestClient

from tests.unit.api.test_reads import application, client  # noqa: F401 (fixtures)


def test_a_connection_is_found_by_its_name(client: TestClient) -> None:  # noqa: F811
    found = client.get("/v1/connections", params={"name": "reads-1"})
    none = client.get("/v1/connections", params={"name": "reads"})

    assert found.status_code == 200
    assert [c["id"] for c in found.json()["connections"]] == ["conn-1"]
    assert none.json()["connections"] == []


def test_an_unknown_query_parameter_is_a_400_naming_it(client: TestClient) -> None:  # noqa: F811
    misspelt = client.get("/v1/connections", params={"stat": "ACTIVE"})

    assert misspelt.status_code == 400
    assert misspelt.headers["content-type"].startswith("application/problem+json")
    assert "stat" in misspelt.json()["detail"]
    assert "state" in misspelt.json()["detail"]  # what it takes instead
    assert client.get("/v1/jobs/job-1", params={"verbose": "1"}).status_code == 400
    assert client.get("/v1/connections", params={"state": "ACTIVE"}).status_code == 200
    assert client.get("/v1/jobs", params={"limit": "1"}).status_code == 200
