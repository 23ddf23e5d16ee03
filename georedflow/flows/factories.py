"""Every flow factory by the job kind that runs it."""

from collections.abc import Callable

from taskflow.flow import Flow

from georedflow.flows.create import build_create_flow, build_reserve_flow
from georedflow.flows.delete import build_delete_flow
from georedflow.flows.probe import build_probe_flow
from georedflow.flows.standby import build_activate_flow, build_repair_flow, build_verify_flow

FACTORIES: dict[str, Callable[..., Flow]] = {
    "create": build_create_flow,
    "reserve": build_reserve_flow,
    "delete": build_delete_flow,
    "probe": build_probe_flow,
    "activate": build_activate_flow,
    "verify": build_verify_flow,
    "repair": build_repair_flow,
}
