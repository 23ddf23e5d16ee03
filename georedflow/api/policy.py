"""Who may do what: georedflow's rules in code, enforced by oslo.policy.

Sites are infrastructure: everyone authenticated may read them, only admins
change them. Connections belong to the project that created them: readers of
that project may read them, members may change them, other projects do not
see them at all (404, not 403). Jobs, config snapshots and subscriptions follow
their connection's (or their own) project the same way.

The defaults below are documented rules (``oslopolicy-sample-generator
--namespace georedflow`` prints them, ``conf/policy.yaml.sample`` holds them);
an operator overrides any of them in ``policy.yaml`` (``[oslo_policy]
policy_file``), as for every other OpenStack service.
"""

import time
from typing import Any

from oslo_config import cfg
from oslo_policy import policy

from georedflow.api.auth import Caller
from georedflow.exceptions import Forbidden, NotFound

BASE_RULES = [
    policy.RuleDefault("admin", "role:admin", description="An administrator."),
    policy.RuleDefault("member", "role:member or rule:admin", description="A project member."),
    policy.RuleDefault("reader", "role:reader or rule:member", description="A project reader."),
]


def _rule(name: str, check: str, description: str, method: str, path: str) -> policy.RuleDefault:
    return policy.DocumentedRuleDefault(
        name=name,
        check_str=check,
        description=description,
        operations=[{"method": method, "path": path}],
    )


CONNECTION = "/v1/connections/{connection_id}"
SUBSCRIPTION = "/v1/subscriptions/{subscription_id}"
OPERATION_RULES = [
    _rule("site:list", "rule:reader", "List the sites.", "GET", "/v1/sites"),
    _rule("site:show", "rule:reader", "Show a site.", "GET", "/v1/sites/{site}"),
    _rule("site:create", "rule:admin", "Register a site.", "POST", "/v1/sites"),
    _rule("site:update", "rule:admin", "Change a site.", "PATCH", "/v1/sites/{site}"),
    _rule("site:delete", "rule:admin", "Remove a site.", "DELETE", "/v1/sites/{site}"),
    _rule("site:probe", "rule:admin", "Probe a site.", "POST", "/v1/sites/{site}/probe"),
    _rule("connection:list", "rule:reader", "List connections.", "GET", "/v1/connections"),
    _rule("connection:show", "rule:reader", "Show a connection.", "GET", CONNECTION),
    _rule("connection:create", "rule:member", "Create a connection.", "POST", "/v1/connections"),
    _rule("connection:delete", "rule:member", "Delete a connection.", "DELETE", CONNECTION),
    _rule(
        "connection:activate",
        "rule:member",
        "Activate the standby (fail over).",
        "POST",
        f"{CONNECTION}/activate",
    ),
    _rule(
        "connection:heartbeat",
        "rule:member",
        "Renew the primary's lease (the VNF manager or the VNF).",
        "POST",
        f"{CONNECTION}/heartbeat",
    ),
    _rule("connection:verify", "rule:member", "Verify both sites.", "POST", f"{CONNECTION}/verify"),
    _rule(
        "connection:repair", "rule:member", "Repair what drifted.", "POST", f"{CONNECTION}/repair"
    ),
    _rule("config:put", "rule:member", "Store a VNF config.", "PUT", f"{CONNECTION}/config"),
    _rule("config:show", "rule:reader", "Read a VNF config.", "GET", f"{CONNECTION}/config"),
    _rule(
        "subscription:create", "rule:member", "Subscribe a webhook.", "POST", "/v1/subscriptions"
    ),
    _rule("subscription:list", "rule:reader", "List subscriptions.", "GET", "/v1/subscriptions"),
    _rule("subscription:show", "rule:reader", "Show a subscription.", "GET", SUBSCRIPTION),
    _rule("subscription:delete", "rule:member", "Unsubscribe.", "DELETE", SUBSCRIPTION),
    _rule("job:list", "rule:reader", "List jobs.", "GET", "/v1/jobs"),
    _rule("job:show", "rule:reader", "Show a job.", "GET", "/v1/jobs/{job_id}"),
]
RULES = {rule.name: rule for rule in OPERATION_RULES}

RELOAD_SECONDS = 1.0  # a changed policy.yaml applies within this


DECISIONS = 4096  # remembered decisions at most (callers come and go)


class Enforcer(policy.Enforcer):
    """oslo.policy's enforcer, looking for a changed policy file at most once a second,
    and remembering its decisions until the rules change.

    The parent looks on every check (it resolves and stats the policy file and its
    directories: half of a check's ~180 us here); a request needs no fresher view.
    oslo.policy keeps no decisions: each check walks the rule's tree again (and inspects
    every check's signature on the way), for an answer that depends only on the rule
    and the caller, since a route's target is the caller's own project.
    """

    _looked = float("-inf")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._decisions: dict[tuple[str, Caller], bool] = {}
        super().__init__(*args, **kwargs)

    def load_rules(self, force_reload: bool = False) -> None:
        now = time.monotonic()
        if force_reload or not self.rules or now - self._looked >= RELOAD_SECONDS:
            self._looked = now
            rules = self.rules
            super().load_rules(force_reload)
            if self.rules is not rules:  # a changed file: its rules replace the old
                self._decisions.clear()

    def set_rules(self, *args: Any, **kwargs: Any) -> None:
        self._decisions.clear()
        super().set_rules(*args, **kwargs)

    def allows(self, caller: Caller, action: str) -> bool:
        """Whether the rules allow ``action`` to ``caller`` on its own project."""
        self.load_rules()
        key = (action, caller)
        decision = self._decisions.get(key)
        if decision is None:
            credentials = {
                "roles": sorted(caller.roles),
                "project_id": caller.project_id,
                "user_id": caller.user_id,
            }
            target = {"project_id": caller.project_id}
            decision = bool(self.enforce(action, target, credentials))
            if len(self._decisions) >= DECISIONS:
                self._decisions.clear()
            self._decisions[key] = decision
        return decision


_enforcer: Enforcer | None = None


def list_rules() -> list[policy.RuleDefault]:
    """Every default rule (the ``oslo.policy.policies`` entry point)."""
    return [*BASE_RULES, *OPERATION_RULES]


def init(conf: cfg.ConfigOpts, policy_file: str | None = None) -> Enforcer:
    """The process's enforcer, reading ``policy_file`` (default: ``[oslo_policy]
    policy_file`` of ``conf``)."""
    global _enforcer
    _enforcer = Enforcer(conf, policy_file=policy_file)
    _enforcer.register_defaults(list_rules())
    return _enforcer


def get_enforcer() -> Enforcer:
    """The enforcer (the ``oslo.policy.enforcer`` entry point); defaults only until ``init``."""
    if _enforcer is None:
        conf = cfg.ConfigOpts()
        conf([], project="georedflow", default_config_files=[])
        return init(conf)
    return _enforcer


def enforce(caller: Caller, action: str) -> None:
    """Refuse (403) an action the policy does not allow the caller."""
    if not get_enforcer().allows(caller, action):
        raise Forbidden(f"{action} is not allowed to you by the policy ({RULES[action].check_str})")


def visible_project(caller: Caller) -> str | None:
    """The project whose resources the caller sees; None: every project (admin)."""
    return None if caller.is_admin else caller.project_id


def check_owner(caller: Caller, project_id: str | None, what: str) -> None:
    """A resource of another project looks like one that does not exist."""
    if not caller.is_admin and project_id != caller.project_id:
        raise NotFound(f"{what} does not exist")
