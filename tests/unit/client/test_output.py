from georedflow.client import output
from georedflow.client.progress import bar, current_tasks


def test_table_aligns_columns_and_renders_nested_values() -> None:
    text = output.table([{"a": "x", "b": {"k": 1}}, {"a": "longer", "b": None}], ["a", "b"])

    lines = text.splitlines()
    assert len({len(line) for line in lines}) == 1
    assert '{"k":1}' in text
    assert "| longer |" in text


def test_progress_names_what_each_site_is_doing() -> None:
    job = {
        "tasks": [
            {"name": "CreateRouter-local", "site": "east", "state": "RUNNING"},
            {"name": "CreateSubnet-remote", "site": "west", "state": "SUCCESS"},
            {"name": "CreateNetwork-remote", "site": "west", "state": "REVERTING"},
        ]
    }

    assert current_tasks(job) == "east: CreateRouter (running), west: CreateNetwork (reverting)"
    assert bar(0.5, width=10) == "[#####.....]  50%"


def test_a_record_flattens_endpoints_and_summarises_resources() -> None:
    text = output.record(
        {
            "id": "c1",
            "local": {
                "site": "east",
                "resources": [{"type": "network", "id": "n1"}, {"type": "subnet", "id": "s1"}],
            },
        }
    )

    assert "| local.site      | east            |" in text
    assert "| local.resources | network, subnet |" in text


def test_a_record_names_each_leftover_by_site_kind_and_id() -> None:
    shown = output.record(
        {
            "state": "ERROR",
            "leftovers": [
                {"site": "west", "role": "remote", "type": "network", "id": "n-1", "name": "x"},
                {"site": "east", "role": "local", "type": "subnet", "id": None, "name": "y"},
            ],
        }
    )

    assert "west network n-1, east subnet" in shown
