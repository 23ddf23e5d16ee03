"""/v1/subscriptions: webhooks that receive job and connection events."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response, status

from georedflow.api import schemas, views
from georedflow.api.deps import CallbackDestinations, CallerDep, Subscriptions
from georedflow.api.lists import next_links, ordering
from georedflow.api.policy import check_owner, enforce, visible_project
from georedflow.storage.pagination import Order

router = APIRouter(prefix="/v1/subscriptions", tags=["subscriptions"])

Limit = Annotated[int, Query(ge=1, le=1000)]
SORT = ordering(("created_at", "id"))


@router.post("", status_code=status.HTTP_201_CREATED)
def create_subscription(
    body: schemas.SubscriptionCreate,
    subscriptions: Subscriptions,
    destinations: CallbackDestinations,
    caller: CallerDep,
    response: Response,
) -> schemas.SubscriptionOut:
    """Subscribe a callback URI to the events of the caller's project.

    Events are POSTed as JSON with ``X-Georedflow-Event`` and ``X-Georedflow-Event-Id``
    headers and, with a ``secret``, ``X-Georedflow-Signature: sha256=<hex HMAC-SHA256
    of the body>``. A receiver that does not answer 2xx is retried with back-off.
    A host that resolves to an internal address (loopback, link-local, private…) is
    refused unless ``[notifications] allowed_networks`` includes it.
    """
    enforce(caller, "subscription:create")
    destinations.check(body.callback_uri, "callback_uri")
    created = subscriptions.create(
        project_id=caller.project_id,
        callback_uri=body.callback_uri,
        filter_=body.filter.model_dump(exclude_none=True),
        secret=body.secret.get_secret_value() if body.secret is not None else None,
    )
    response.headers["Location"] = f"/v1/subscriptions/{created.id}"
    return views.subscription(created)


@router.get("")
def list_subscriptions(
    subscriptions: Subscriptions,
    caller: CallerDep,
    request: Request,
    order: Annotated[Order, Depends(SORT)],
    limit: Limit = 100,
    marker: str | None = None,
) -> schemas.SubscriptionList:
    enforce(caller, "subscription:list")
    found = subscriptions.query(
        project_id=visible_project(caller), limit=limit, marker=marker, order=order
    )
    return schemas.SubscriptionList(
        subscriptions=[views.subscription(s) for s in found],
        links=next_links(request, found, limit),
    )


@router.get("/{subscription_id}")
def show_subscription(
    subscription_id: str, subscriptions: Subscriptions, caller: CallerDep
) -> schemas.SubscriptionOut:
    enforce(caller, "subscription:show")
    subscription = subscriptions.get(subscription_id)
    check_owner(caller, subscription.project_id, f"subscription '{subscription_id}'")
    return views.subscription(subscription)


@router.delete("/{subscription_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_subscription(
    subscription_id: str, subscriptions: Subscriptions, caller: CallerDep
) -> Response:
    """Unsubscribe; deliveries not yet made are dropped."""
    subscription = subscriptions.get(subscription_id)
    check_owner(caller, subscription.project_id, f"subscription '{subscription_id}'")
    enforce(caller, "subscription:delete")
    subscriptions.delete(subscription_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
