"""Every settings dataclass agrees with its option group: a field per option, the same
defaults, and the values of a configuration file reach the field of their name."""

import dataclasses
from pathlib import Path
from typing import Any

import pytest
from oslo_config import cfg

from georedflow.cmd import config as cmd_config
from georedflow.conf.opts import list_opts
from georedflow.notifications.settings import NotificationSettings
from georedflow.planning.settings import PlanningSettings
from georedflow.standby import StandbySettings
from georedflow.wiring import JobBoardSettings

# dataclass, its group, the fields that are not options (fixed in code)
GROUPS: list[tuple[type, str, set[str]]] = [
    (PlanningSettings, "planning", set()),
    (JobBoardSettings, "jobboard", set()),
    (StandbySettings, "standby", set()),
    (NotificationSettings, "notifications", {"batch"}),
]
# options of a group that no field holds (used elsewhere in the settings)
ELSEWHERE = {"planning": {"secret_key_file"}}


def options_of(group: str) -> dict[str, cfg.Opt]:
    """The group's options, as the sample generator lists them."""
    return {
        opt.dest: opt
        for listed, opts in list_opts()
        if getattr(listed, "name", listed) == group
        for opt in opts
    }


def as_field(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value


@pytest.mark.parametrize(("cls", "group", "fixed"), GROUPS, ids=lambda v: getattr(v, "__name__", v))
def test_each_field_is_an_option_with_the_same_default(
    cls: type, group: str, fixed: set[str]
) -> None:
    options = options_of(group)
    fields = {field.name: field for field in dataclasses.fields(cls)}

    assert set(fields) - fixed == set(options) - ELSEWHERE.get(group, set())
    for name in set(fields) - fixed:
        assert fields[name].default == as_field(options[name].default), name


def test_a_value_in_the_file_reaches_its_field(tmp_path: Path) -> None:
    path = tmp_path / "georedflow.conf"
    path.write_text(
        "[standby]\nlease_seconds = 7\n[planning]\nvni_ranges = 10:20,30:40\n"
        "[jobboard]\nsession_timeout = 3\n[notifications]\nmax_attempts = 2\n"
    )
    settings = cmd_config.wiring_settings(
        cmd_config.load(["--config-file", str(path)], "georedflow-api")
    )

    assert settings.standby.lease_seconds == 7.0
    assert settings.planning.vni_ranges == ("10:20", "30:40")
    assert settings.jobboard.session_timeout == 3.0
    assert settings.notifications.max_attempts == 2
    assert settings.notifications.batch == NotificationSettings().batch  # not an option
