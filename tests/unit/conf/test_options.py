from pathlib import Path

from georedflow.cmd import config as cmd_config


def test_defaults_match_the_documented_embedded_setup(tmp_path: Path) -> None:
    config_file = tmp_path / "georedflow.conf"
    config_file.write_text(f"[DEFAULT]\nstate_path = {tmp_path}\n")

    config = cmd_config.load(["--config-file", str(config_file)], "test")

    assert config.debug is False
    assert config.api.bind_host == "127.0.0.1"
    assert config.api.bind_port == 9797
    assert config.api.auth_strategy == "noauth"
    assert config.jobboard.backend == "embedded"
    assert config.jobboard.hosts == ["127.0.0.1:2181"]
    assert config.clouds.config_file is None
    # The default database lives under the state directory.
    assert config.database.connection == f"sqlite:///{tmp_path}/georedflow.sqlite"


def test_values_from_the_file_override_defaults(tmp_path: Path) -> None:
    config_file = tmp_path / "georedflow.conf"
    config_file.write_text(
        "[api]\nbind_port = 8000\nauth_strategy = keystone\n"
        "[jobboard]\nbackend = zookeeper\nhosts = zk1:2181,zk2:2181\n"
        "[clouds]\nconfig_file = /etc/openstack/clouds.yaml\n"
    )

    config = cmd_config.load(["--config-file", str(config_file)], "test")

    assert config.api.bind_port == 8000
    assert config.api.auth_strategy == "keystone"
    assert config.jobboard.backend == "zookeeper"
    assert config.jobboard.hosts == ["zk1:2181", "zk2:2181"]
    assert config.clouds.config_file == "/etc/openstack/clouds.yaml"


def test_an_unknown_choice_is_refused(tmp_path: Path) -> None:
    config_file = tmp_path / "georedflow.conf"
    config_file.write_text("[jobboard]\nbackend = redis\n")
    config = cmd_config.load(["--config-file", str(config_file)], "test")

    try:
        _ = config.jobboard.backend
    except ValueError as exc:
        assert "redis" in str(exc)
    else:
        raise AssertionError("an invalid backend was accepted")


def test_allowed_networks_reach_the_notification_settings(tmp_path: Path) -> None:
    config_file = tmp_path / "georedflow.conf"
    config_file.write_text(
        f"[DEFAULT]\nstate_path = {tmp_path}\n"
        "[notifications]\nallowed_networks = 127.0.0.0/8, fd00::/8\n"
    )
    default_file = tmp_path / "default.conf"
    default_file.write_text(f"[DEFAULT]\nstate_path = {tmp_path}\n")

    configured = cmd_config.load(["--config-file", str(config_file)], "test")
    default = cmd_config.load(["--config-file", str(default_file)], "test")

    notifications = cmd_config.wiring_settings(configured).notifications
    assert notifications.allowed_networks == ("127.0.0.0/8", "fd00::/8")
    assert cmd_config.wiring_settings(default).notifications.allowed_networks == ()


def test_a_bad_allowed_network_stops_the_start(tmp_path: Path) -> None:
    config_file = tmp_path / "georedflow.conf"
    config_file.write_text(
        f"[DEFAULT]\nstate_path = {tmp_path}\n[notifications]\nallowed_networks = 10.0.0.1/8\n"
    )
    config = cmd_config.load(["--config-file", str(config_file)], "test")

    try:
        cmd_config.wiring_settings(config)
    except SystemExit as exc:
        assert "[notifications] allowed_networks" in str(exc)
        assert "10.0.0.1/8" in str(exc)
    else:
        raise AssertionError("a CIDR with host bits set was accepted")
