"""Translation of openstacksdk and keystoneauth exceptions into georedflow's tree.

The only place foreign cloud exceptions are caught: most specific first, always
``raise ... from exc`` so the original stays in the traceback.
"""

import re
from collections.abc import Iterator
from contextlib import contextmanager

from keystoneauth1 import exceptions as ks_exc
from openstack import exceptions as os_exc

from georedflow import exceptions as exc
from georedflow import metrics

_BY_STATUS: dict[int, type[exc.CloudError]] = {
    400: exc.CloudBadRequest,
    401: exc.CloudAuthFailed,
    403: exc.CloudForbidden,
    404: exc.CloudResourceNotFound,
    409: exc.CloudConflict,
    502: exc.CloudUnavailable,
    503: exc.CloudUnavailable,
    504: exc.CloudUnavailable,
}

# Conflicts that clear by themselves: a resource still in a PENDING_* state, or a
# concurrent update Neutron lost a race on. Anything else in a 409 is permanent.
_PASSING_CONFLICT = re.compile(r"PENDING_(CREATE|UPDATE|DELETE)|StaleData|try again", re.I)


def _message(error: Exception) -> str:
    details = getattr(error, "details", None)
    text = details if isinstance(details, str) and details else str(error)
    return " ".join(text.split()) or error.__class__.__name__


@contextmanager
def translated(site: str, operation: str, *, counted: bool = True) -> Iterator[None]:
    """Run a block of cloud calls, raising georedflow errors for the cloud's (and count it
    under the site's name; ``counted=False`` for work that calls no cloud)."""
    if not counted:
        with _translating(site, operation):
            yield
        return
    with metrics.cloud_call(site, operation), _translating(site, operation):
        yield


@contextmanager
def _translating(site: str, operation: str) -> Iterator[None]:
    try:
        yield
    except exc.GeoredflowError:
        raise
    except os_exc.HttpException as error:
        status = error.status_code
        cls = _BY_STATUS.get(status or 0, exc.CloudError)
        if status is not None and status >= 500:
            message = f"the cloud answered {status}: {_message(error)}"
        else:
            message = _message(error)
        translated_error = cls(message, site=site, operation=operation, http_status=status)
        if cls is exc.CloudConflict and _PASSING_CONFLICT.search(message):
            translated_error.transient = True
        raise translated_error from error
    except ks_exc.Unauthorized as error:
        raise exc.CloudAuthFailed(
            f"Keystone refused the credentials: {_message(error)}",
            site=site,
            operation=operation,
            http_status=401,
        ) from error
    except ks_exc.SSLError as error:
        raise exc.CloudError(
            f"TLS failed: {_message(error)}", site=site, operation=operation
        ) from error
    except (
        ks_exc.ConnectionError,  # refused, timed out, or dropped before the answer
        ks_exc.RequestTimeout,
    ) as error:
        raise exc.CloudUnreachable(
            f"no answer: {_message(error)}", site=site, operation=operation
        ) from error
    except (ks_exc.DiscoveryFailure, ks_exc.EndpointNotFound) as error:
        # The catalog or the endpoint is wrong: asking again will not change it.
        unreachable = exc.CloudUnreachable(
            f"no endpoint: {_message(error)}", site=site, operation=operation
        )
        unreachable.transient = False
        raise unreachable from error
    except ks_exc.ClientException as error:
        raise exc.CloudError(_message(error), site=site, operation=operation) from error
    except os_exc.SDKException as error:
        raise exc.CloudError(_message(error), site=site, operation=operation) from error
