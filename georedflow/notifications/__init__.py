"""Webhooks: the events of the outbox, fanned out to subscriptions and POSTed to them."""
