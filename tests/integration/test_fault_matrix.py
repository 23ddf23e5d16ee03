"""Nothing left, nothing twice, at every write: the fault matrix, generated from the flows.

For each operation below, a clean run records the mutating Neutron requests it makes
(the lab's request log). Then EVERY write of that list is faulted each way:

- ``permanent`` (500 with a message), one run per write: the job FAILS, the connection
  is ERROR naming the task (a failed activation or repair returns to the state it had),
  nothing of the connection is left; a DELETE then leaves nothing;
- ``revert`` (that 500, then a 500 on the revert's first DELETE on that site), one run
  per write: ERROR with the ``leftovers`` listed, and a DELETE then cleans up;
- ``unavailable`` (503), ``dropped`` (the connection closed unanswered) and ``lost``
  (Neutron does the work, the answer never comes back): one run per kind in which every
  write fails once (the lab's ``each`` faults: the first occurrence of every distinct
  request fails, its retry goes through). The job must SUCCEED with exactly the
  resources of the clean run, none twice, and every write of the clean run must have
  been faulted. A transient fault ends nowhere different from one write to the next
  (the call is retried), so one run covers every index, and a run that survives every
  write failing once is harsher than runs that each fail one.

The table printed at the end is technology and operation by fault kind: cases (writes
faulted), passed.
"""

import collections
import re
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import pytest

from georedflow.clouds.kinds import KINDS, is_owned_by, owner_prefix
from tests.integration.harness import Harness

pytestmark = pytest.mark.lab

UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
MUTATING = ("POST", "PUT", "DELETE", "PATCH")
NEUTRON_OF = {"east": "east", "west": "west", "far": "far", "cell1": "east", "cell2": "east"}
MESSAGE = "injected by the fault matrix"
PER_WRITE = ("permanent", "revert")  # one run for each write
EVERY_WRITE = ("unavailable", "dropped", "lost")  # one run: every write faulted once
ACTION_OF = {"unavailable": "status", "dropped": "drop", "lost": "lost"}  # the lab's


@dataclass(frozen=True)
class Write:
    """One mutating request of a clean run, as a fault can be aimed at it again."""

    neutron: str
    method: str
    pattern: str  # the path with ids as wildcards
    nth: int  # which request matching (method, pattern) on that Neutron, from 1

    def __str__(self) -> str:
        return f"{self.neutron} {self.method} {self.pattern} #{self.nth}"


@dataclass(frozen=True)
class Scenario:
    """An operation on a connection, with what must exist before it."""

    name: str  # e.g. "ipsec create"
    technology: str
    local: str
    remote: str
    operation: str  # create, delete, activate, repair
    mode: str = "warm"
    options: dict[str, Any] | None = None

    @property
    def sites(self) -> tuple[str, str]:
        return self.local, self.remote


SCENARIOS = [
    Scenario("vlan create", "vlan", "east", "west", "create"),
    Scenario("vxlan create", "vxlan", "east", "west", "create"),
    Scenario("gre create", "gre", "east", "west", "create"),
    Scenario("ipsec create", "ipsec", "east", "west", "create"),
    Scenario("bgpvpn create", "bgpvpn", "east", "west", "create"),
    Scenario("evpn create", "evpn", "east", "west", "create"),
    Scenario("l2gw create", "l2gw", "east", "west", "create"),
    Scenario("segments create", "segments", "cell1", "cell2", "create"),
    Scenario("vxlan hot create", "vxlan", "east", "west", "create", "hot", {"bandwidth_mbps": 50}),
    Scenario("ipsec delete", "ipsec", "east", "west", "delete"),
    Scenario("vxlan cold activate", "vxlan", "east", "west", "activate", "cold"),
    Scenario("vxlan repair", "vxlan", "east", "west", "repair"),
]

RESULTS: dict[tuple[str, str], list[bool]] = collections.defaultdict(list)


def _pattern(path: str) -> str:
    return "^" + re.sub(UUID, UUID, re.escape(path).replace(r"\-", "-")) + "$"


class Matrix:
    """Runs scenarios against the lab through the harness, with faults aimed by the log."""

    def __init__(self, georedflow: Harness, lab: dict[str, Any]) -> None:
        self.georedflow, self.lab = georedflow, lab

    # -- what a scenario does ------------------------------------------------
    def create(self, scenario: Scenario) -> dict[str, Any]:
        """Ask for the scenario's connection: the 202's body."""
        return self.georedflow.create(
            scenario.technology,
            scenario.local,
            scenario.remote,
            mode=scenario.mode,
            options=scenario.options or {},
        )

    def prepare(self, scenario: Scenario) -> str:
        """Make the connection the operation acts on (for a create: nothing yet)."""
        if scenario.operation == "create":
            return ""
        accepted = self.create(scenario)
        connection_id: str = accepted["connection"]["id"]
        job = self.georedflow.wait(accepted["job"]["id"])
        assert job["state"] == "SUCCEEDED", job["error"]
        if scenario.operation == "activate":
            put = self.georedflow.client.put(
                f"/v1/connections/{connection_id}/config", json={"vnf": "config"}
            )
            assert put.status_code in (200, 201), put.text
        if scenario.operation == "repair":  # drift: the local subnet is gone
            shown = self.show(connection_id)
            driver = self.georedflow.driver(scenario.local)
            driver.delete("subnet", shown["local"]["subnet_id"])
        return connection_id

    def operate(self, scenario: Scenario, connection_id: str) -> tuple[str, dict[str, Any]]:
        """Start the operation and wait for its job: (connection id, job)."""
        client = self.georedflow.client
        if scenario.operation == "create":
            accepted = self.create(scenario)
            connection_id = accepted["connection"]["id"]
            job_id = accepted["job"]["id"]
        elif scenario.operation == "delete":
            job_id = client.delete(f"/v1/connections/{connection_id}").json()["job"]["id"]
        else:
            response = client.post(f"/v1/connections/{connection_id}/{scenario.operation}")
            assert response.status_code == 202, response.text
            job_id = response.json()["job"]["id"]
        return connection_id, self.georedflow.wait(job_id, timeout=180)

    # -- the lab ---------------------------------------------------------------
    def neutrons(self, scenario: Scenario) -> list[str]:
        return sorted({NEUTRON_OF[site] for site in scenario.sites})

    def mark(self, scenario: Scenario) -> dict[str, int]:
        return {n: self.lab[n].last_seq() for n in self.neutrons(scenario)}

    def writes_since(self, marks: dict[str, int]) -> list[Write]:
        writes: list[Write] = []
        for neutron, seq in marks.items():
            seen: collections.Counter[tuple[str, str]] = collections.Counter()
            for request in self.lab[neutron].requests(since=seq):
                if request["method"] not in MUTATING:
                    continue
                key = (request["method"], _pattern(request["path"]))
                seen[key] += 1
                writes.append(Write(neutron, key[0], key[1], seen[key]))
        return writes

    def arm(self, write: Write) -> None:
        control = self.lab[write.neutron]
        control.arm_fault(write.method, write.pattern, 500, nth=write.nth, message=MESSAGE)

    # -- what exists -----------------------------------------------------------
    def owned(self, scenario: Scenario, connection_id: str) -> list[tuple[str, str, str]]:
        """(neutron, kind, name without the connection id) of all it owns, duplicates kept.

        Every resource of every kind is listed, tagged or not; the Neutrons are asked
        at the same time (each answers one request at a time).
        """
        prefix = owner_prefix(connection_id)

        def on(neutron: str) -> list[tuple[str, str, str]]:
            site = next(s for s in scenario.sites if NEUTRON_OF[s] == neutron)
            driver = self.georedflow.driver(site)
            return [
                (neutron, str(kind), str(r["name"])[len(prefix) :])
                for kind in KINDS
                for r in driver.query(kind)
                if is_owned_by(r, connection_id)
            ]

        with ThreadPoolExecutor() as pool:
            found = [r for rs in pool.map(on, self.neutrons(scenario)) for r in rs]
        return sorted(found)

    def show(self, connection_id: str) -> dict[str, Any]:
        shown: dict[str, Any] = self.georedflow.client.get(
            f"/v1/connections/{connection_id}"
        ).json()
        return shown

    def delete_cleanly(self, scenario: Scenario, connection_id: str, empty: bool = False) -> None:
        """DELETE the connection; nothing of it may be left. ``empty``: it owned nothing
        before (checked by the caller), and a delete makes nothing: no need to look again."""
        response = self.georedflow.client.delete(f"/v1/connections/{connection_id}")
        if response.status_code != 404:
            assert response.status_code == 202, response.text
            job = self.georedflow.wait(response.json()["job"]["id"], timeout=180)
            assert job["state"] == "SUCCEEDED", job["error"]
        if not empty:
            assert self.owned(scenario, connection_id) == [], "a DELETE left resources behind"

    def arm_every_write(self, scenario: Scenario, fault: str) -> None:
        """Fail the first occurrence of every write on the scenario's Neutrons, once."""
        for neutron in self.neutrons(scenario):
            for method in MUTATING:
                self.lab[neutron].arm_fault(
                    method,
                    ".",
                    503,
                    count=None,
                    message=MESSAGE,
                    action=ACTION_OF[fault],
                    each=True,
                )

    def faulted_since(self, marks: dict[str, int]) -> collections.Counter[tuple[str, str, str]]:
        """(neutron, method, path pattern) of the requests a fault fired on."""
        return collections.Counter(
            (neutron, request["method"], _pattern(request["path"]))
            for neutron, seq in marks.items()
            for request in self.lab[neutron].requests(since=seq)
            if request["fault"]
        )

    def disarm(self) -> None:
        for control in self.lab.values():
            control.disarm_faults()


def _clean_run(matrix: Matrix, scenario: Scenario) -> tuple[list[Write], list[Any]]:
    """The writes of a faultless run, and what the operation leaves (names, no ids)."""
    connection_id = matrix.prepare(scenario)
    marks = matrix.mark(scenario)
    connection_id, job = matrix.operate(scenario, connection_id)
    assert job["state"] == "SUCCEEDED", job["error"]
    writes = matrix.writes_since(marks)
    result = matrix.owned(scenario, connection_id)
    if scenario.operation != "delete":
        matrix.delete_cleanly(scenario, connection_id)
    assert writes, f"{scenario.name} made no write to fault"
    return writes, result


def _cases(writes: list[Write], scenario: Scenario) -> Iterator[tuple[Write, str]]:
    for write in writes:
        for fault in PER_WRITE:
            # A delete's or a repair's revert removes nothing: no fault to put inside it.
            if fault == "revert" and scenario.operation in ("delete", "repair"):
                continue
            yield write, fault


def _check(matrix: Matrix, scenario: Scenario, write: Write, fault: str) -> str:
    """One write failed permanently (and with ``revert`` its revert too): the fault's name."""
    connection_id = matrix.prepare(scenario)
    before = matrix.show(connection_id) if connection_id else None
    matrix.arm(write)
    if fault == "revert":
        # The first DELETE on that Neutron after the fault: the revert's.
        matrix.lab[write.neutron].arm_fault("DELETE", ".", 500, nth=1, message=MESSAGE)
    try:
        connection_id, job = matrix.operate(scenario, connection_id)
    finally:
        fired = [f for f in matrix.lab[write.neutron].faults(include_spent=True) if f["fired"]]
        matrix.disarm()
    shown = matrix.show(connection_id)
    assert fired, "the fault was never hit"

    assert job["state"] == "FAILED"
    assert MESSAGE in job["error"]["message"]
    task = job["error"]["task"]
    assert task
    if scenario.operation in ("create", "delete"):
        assert shown["state"] == "ERROR"
    else:  # a failed activation or repair returns to where it was
        assert before is not None
        assert shown["state"] == before["state"]
    assert MESSAGE in (shown["error"] or "")
    assert task in shown["error"], "the connection's error names another task"
    if scenario.operation == "create":  # every revert returned: the checkpoint's ran last
        assert "MarkConnectionBuilding" in [
            t["name"] for t in job["tasks"] if t["state"] == "REVERTED"
        ]
    revert_failed = fault == "revert" and len(fired) == 2
    if scenario.operation in ("create", "activate"):
        if revert_failed:
            assert shown["leftovers"], "a failed revert left nothing noted"
            assert "NOT rolled back" in shown["error"]
            assert job["error"]["rolled_back"] is False
        else:
            assert shown["leftovers"] == []
            assert matrix.owned(scenario, connection_id) == []
            assert job["error"]["rolled_back"] is True
    rolled_back = scenario.operation == "create" and not revert_failed
    matrix.delete_cleanly(scenario, connection_id, empty=rolled_back)
    if fault == "revert" and not revert_failed:
        return "revert: none on that site"  # the revert deleted nothing where it failed
    return fault


def _check_every_write(
    matrix: Matrix, scenario: Scenario, fault: str, writes: list[Write], clean: list[Any]
) -> None:
    connection_id = matrix.prepare(scenario)
    marks = matrix.mark(scenario)
    matrix.arm_every_write(scenario, fault)
    try:
        connection_id, job = matrix.operate(scenario, connection_id)
    finally:
        matrix.disarm()
    assert job["state"] == "SUCCEEDED", job["error"]
    expected = collections.Counter((w.neutron, w.method, w.pattern) for w in writes)
    assert matrix.faulted_since(marks) == expected, "not every write was faulted once"
    assert matrix.owned(scenario, connection_id) == clean, "not exactly the clean result"
    if scenario.operation == "delete":
        assert matrix.show(connection_id).get("status") == 404
    else:
        matrix.delete_cleanly(scenario, connection_id)


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.name.replace(" ", "-"))
def test_every_write_faulted_every_way(
    georedflow: Harness, lab: dict[str, Any], scenario: Scenario
) -> None:
    matrix = Matrix(georedflow, lab)
    writes, clean = _clean_run(matrix, scenario)
    failures = []
    for write, fault in _cases(writes, scenario):
        try:
            RESULTS[(scenario.name, _check(matrix, scenario, write, fault))].append(True)
        except AssertionError as error:
            RESULTS[(scenario.name, fault)].append(False)
            failures.append(f"{fault} at {write}: {str(error).splitlines()[0]}")
            matrix.disarm()
    for fault in EVERY_WRITE:
        try:
            _check_every_write(matrix, scenario, fault, writes, clean)
            RESULTS[(scenario.name, fault)] += [True] * len(writes)
        except AssertionError as error:
            RESULTS[(scenario.name, fault)] += [False] * len(writes)
            failures.append(f"{fault} at every write: {str(error).splitlines()[0]}")
            matrix.disarm()
    assert not failures, f"{len(failures)} case(s) failed:\n" + "\n".join(failures)


class FaultTable:
    """A pytest plugin that prints the matrix in the terminal summary."""

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        if not RESULTS:
            return
        write = terminalreporter.write_line
        terminalreporter.section("fault matrix: every write of a clean run, faulted each way")
        write(f"{'technology operation':<22} {'fault':<26} {'cases':>5} {'passed':>6}")
        for (name, fault), outcomes in RESULTS.items():
            write(f"{name:<22} {fault:<26} {len(outcomes):>5} {sum(outcomes):>6}")
        total = [o for outcomes in RESULTS.values() for o in outcomes]
        write(f"{'all':<22} {'':<26} {len(total):>5} {sum(total):>6}")


@pytest.fixture(scope="module", autouse=True)
def fault_table(request: pytest.FixtureRequest) -> None:
    manager = request.config.pluginmanager
    if not manager.has_plugin("georedflow-fault-table"):
        manager.register(FaultTable(), "georedflow-fault-table")
