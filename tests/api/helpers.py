"""Tokens and clients for API tests."""

from datetime import timedelta

from django.test import Client
from django.utils import timezone

from shuniu.api import services
from shuniu.api.models import TokenKind


def issue_token(world, *, kind=TokenKind.INTEGRATION, organization=None, permissions=None, user=None, **extra):
    """An integration token of org_a (Women's Federation) by default, issued by its admin; returns raw."""
    organization = organization or world.org_a
    actor = world.coordinator
    if permissions is None:
        permissions = services.grantable_keys()
    if kind == TokenKind.PERSONAL and user is None:
        user = world.caseworker
    token, raw = services.create_token(
        actor,
        name=extra.pop("name", "12338 热线系统"),
        kind=kind,
        organization=organization,
        permissions=permissions,
        expires_at=extra.pop("expires_at", timezone.now() + timedelta(days=30)),
        user=user,
        **extra,
    )
    return token, raw


def token_client(raw: str) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
