from georedflow.client import output
from georedflow.client.progress import bar, current_tasks


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


def test_an_endpoint_reads_a_line_per_key_with_its_resources_summarised() -> None:
    text = output.text(
        {
            "site": "east",
            "cidr": None,
            "resources": [{"type": "network", "id": "n1"}, {"type": "subnet", "id": "s1"}],
        }
    )

    assert text.splitlines() == ["site=east", "cidr=", "resources=network n1, subnet s1"]


def test_each_leftover_and_finding_is_named_by_site_kind_and_id() -> None:
    leftovers = [
        {"site": "west", "role": "remote", "type": "network", "id": "n-1", "name": "x"},
        {"site": "east", "role": "local", "type": "subnet", "id": None, "name": "y"},
    ]
    findings = [{"site": "east", "role": "local", "type": "subnet", "id": "s", "problem": "gone"}]

    assert output.text(leftovers).splitlines() == ["west network n-1", "east subnet"]
    assert output.text(findings) == "east subnet s gone"


def test_a_long_list_is_cut_with_a_hint_unless_asked_for() -> None:
    names = [f"extension-{i}" for i in range(50)]
    tasks = [{"name": f"T{i}", "state": "SUCCESS", "site": None} for i in range(20)]

    short = output.text(names, column="capabilities")
    some = output.text(tasks, column="tasks").splitlines()

    assert len(short) <= output.LINE and short.startswith("50: extension-0, extension-1")
    assert short.endswith("… (-c capabilities or -f json)")
    assert output.text(names, full=True).splitlines() == names
    assert len(some) == output.LINES and some[-1] == "… 13 more (-c tasks or -f json)"
    assert len(output.text(tasks, full=True).splitlines()) == 20


def test_machines_get_the_value_as_it_came() -> None:
    value = output.Value({"a": [1, 2]}, column="x")

    assert value.machine_readable() == {"a": [1, 2]}
    assert value.human_readable() == "a=[1,2]"
