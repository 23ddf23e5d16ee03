"""The job's event stream and graph follow job:show; the page itself needs no token."""

from typing import Any

from fastapi.testclient import TestClient

from tests.integration.test_policy import alices, api, call, tokens  # noqa: F401 (fixtures)


def test_a_job_s_stream_and_graph_are_its_project_s(
    api: TestClient,  # noqa: F811
    tokens: dict[str, str],  # noqa: F811
    alices: dict[str, Any],  # noqa: F811
) -> None:
    job_id = alices["job"]["id"]
    for path in (f"/v1/jobs/{job_id}/events", f"/v1/jobs/{job_id}/graph"):
        assert call(api, None, "GET", path).status_code == 401
        assert call(api, tokens["bob"], "GET", path).status_code == 404, path  # not 403
        for who in ("alice", "rita", "adam"):
            assert call(api, tokens[who], "GET", path).status_code == 200, (who, path)
    events = call(api, tokens["rita"], "GET", f"/v1/jobs/{job_id}/events")
    assert events.headers["content-type"].startswith("text/event-stream")
    assert "event: end" in events.text


def test_the_page_is_served_without_a_token(api: TestClient) -> None:  # noqa: F811
    for path in ("/ui/", "/ui/app.js", "/ui/style.css"):
        response = api.get(path)
        assert response.status_code == 200, path
    page = api.get("/ui/").text
    assert 'id="token"' in page and 'type="password"' in page
    assert "X-Auth-Token" in api.get("/ui/app.js").text
    assert api.get("/ui", follow_redirects=False).status_code in (301, 307, 308)
