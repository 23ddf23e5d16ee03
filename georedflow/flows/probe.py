"""Probing a site: can we authenticate, does Neutron answer, which extensions it offers."""

from taskflow.flow import Flow
from taskflow.patterns import linear_flow

from georedflow.tasks.site import ProbeSite


def build_probe_flow() -> Flow:
    return linear_flow.Flow("probe-site").add(ProbeSite())
