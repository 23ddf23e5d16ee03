"""georedflow's exception tree: the one place its errors are defined.

    GeoredflowError
    ├── BadRequest            (400) a request the API does not understand (a query parameter)
    ├── Unauthenticated       (401) no valid Keystone token
    ├── Forbidden             (403) the caller's roles do not allow the action
    ├── NotFound              (404) a site, connection or job that does not exist
    ├── Conflict              (409) the request clashes with the current state
    ├── TooLarge              (413) a document over its size limit
    ├── InvalidInput          (422) a request refused before any cloud call
    ├── ServiceUnavailable    (503) a dependency (database, job board) does not answer
    ├── DeliveryFailed        (502) an activation callback did not take the config
    ├── Fenced                      this runner lost its job: it must write nothing more
    └── CloudError            (502) a site's cloud refused or failed a call
        ├── CloudUnreachable        no answer from Keystone or Neutron (transient)
        ├── CloudUnavailable        the cloud answered 502, 503 or 504 (transient)
        ├── CloudAuthFailed         the credentials in clouds.yaml were refused
        ├── CloudBadRequest         Neutron refused the request as invalid (400)
        ├── CloudForbidden          the credentials lack a right (403)
        ├── CloudResourceNotFound   a resource the call named does not exist (404)
        ├── CloudConflict           the request clashes with the cloud's state (409)
        └── CloudTimeout            a resource did not reach a status in time

Each class carries the HTTP status the API answers with and a short title;
the message is the human ``detail``. Cloud errors also say which site and
which operation failed, and the status the cloud answered with; ``transient``
ones are worth retrying.
"""


class GeoredflowError(Exception):
    """Base of every error georedflow raises on purpose."""

    status = 500
    title = "Internal error"


class BadRequest(GeoredflowError):
    """The request asks for something the API does not know; nothing was changed."""

    status = 400
    title = "Bad request"


class Unauthenticated(GeoredflowError):
    """The request carries no token, or one Keystone does not accept."""

    status = 401
    title = "Unauthorized"


class Forbidden(GeoredflowError):
    """The caller is known but its roles do not allow this action."""

    status = 403
    title = "Forbidden"


class NotFound(GeoredflowError):
    """The named resource does not exist (or is not visible to the caller)."""

    status = 404
    title = "Not found"


class Conflict(GeoredflowError):
    """The request clashes with the resource's current state."""

    status = 409
    title = "Conflict"


class InvalidInput(GeoredflowError):
    """The request is not valid; nothing was changed."""

    status = 422
    title = "Invalid input"


class ServiceUnavailable(GeoredflowError):
    """A dependency georedflow needs does not answer."""

    status = 503
    title = "Service unavailable"


class TooLarge(GeoredflowError):
    """A document (e.g. a config snapshot) is over its size limit."""

    status = 413
    title = "Content too large"


class DeliveryFailed(GeoredflowError):
    """The spare's activation callback did not take the config snapshot."""

    status = 502
    title = "Delivery failed"


class Fenced(GeoredflowError):
    """This runner no longer owns the job: it must not touch the clouds or the records."""


class CloudError(GeoredflowError):
    """A call to a site's cloud failed."""

    status = 502
    title = "Cloud error"
    transient = False  # True: the same call may well succeed a moment later

    def __init__(
        self,
        message: str,
        *,
        site: str | None = None,
        operation: str | None = None,
        http_status: int | None = None,
    ) -> None:
        self.site = site
        self.operation = operation
        self.http_status = http_status
        where = " ".join(part for part in (site and f"site {site}:", operation) if part)
        super().__init__(f"{where}: {message}" if where else message)


class CloudUnreachable(CloudError):
    """Keystone or Neutron of the site did not answer (refused, timed out, dropped)."""

    transient = True


class CloudUnavailable(CloudError):
    """The cloud answered that it cannot serve the call just now (502, 503, 504)."""

    transient = True


class CloudAuthFailed(CloudError):
    """The site's credentials were refused."""


class CloudBadRequest(CloudError):
    """The cloud refused a request as invalid."""


class CloudForbidden(CloudError):
    """The site's credentials lack a right the call needs."""


class CloudResourceNotFound(CloudError):
    """A resource the call named does not exist."""


class CloudConflict(CloudError):
    """The request clashes with the cloud's state (an id in use, a quota reached)."""


class CloudTimeout(CloudError):
    """A resource did not reach the awaited status in time."""
