"""What a webhook endpoint is and wants: its secret (rotated with a grace period), its URL
(http(s), public addresses only unless private networks are allowed, checked again at each
delivery) and its filter of article events, by the article list's parameters (``tag``,
``any_tag``, ``exclude_tag``, ``author``, ``source``: one per named kind, ``articles.kinds``;
``language``, ``section``)."""

from __future__ import annotations

import base64
import datetime
import ipaddress
import secrets
import socket
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone

from articles.events.models import ARTICLE, WebhookEndpoint
from articles.kinds import NAMED_KINDS, by_name
from articles.text import make_slug

ROTATION_GRACE = datetime.timedelta(hours=24)
# A filter's key -> the set of the article's slugs (or words) it looks at.
FILTER_KEYS = {
    **{kind.name: kind.plural for kind in NAMED_KINDS},
    "any_tag": by_name("tag").plural,
    "exclude_tag": by_name("tag").plural,
    "language": "language",
    "section": "section",
}


def new_secret() -> str:
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


def rotate_secret(endpoint: WebhookEndpoint) -> str:
    """A new secret; the old one stays valid (and signs too) for 24 hours."""
    endpoint.previous_secret = endpoint.secret
    endpoint.previous_secret_until = timezone.now() + ROTATION_GRACE
    endpoint.secret = new_secret()
    endpoint.save(update_fields=["secret", "previous_secret", "previous_secret_until"])
    return endpoint.secret


def _allow_private() -> bool:
    return bool(getattr(settings, "WEBHOOK_ALLOW_PRIVATE_NETWORKS", False))


def _public_address(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def resolve(host: str, port: int) -> list[str]:
    """The addresses ``host`` resolves to now, or a ValueError saying why it cannot be used."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise ValueError(f"{host!r} does not resolve ({error}).") from None
    addresses = list(dict.fromkeys(info[4][0] for info in infos))
    if not _allow_private():
        private = [a for a in addresses if not _public_address(a)]
        if private:
            raise ValueError(
                f"{host!r} resolves to a private, loopback or link-local address "
                f"({', '.join(private)}): refused (WEBHOOK_ALLOW_PRIVATE_NETWORKS)."
            )
    return addresses


def checked_url(url: str) -> str:
    """An http(s) URL that resolves only to public addresses (unless private networks are
    allowed), else a ValidationError; it is checked again at each delivery."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValidationError("Use an http:// or https:// URL.")
    if parts.username or parts.password:
        raise ValidationError("Put no credentials in the URL.")
    try:
        resolve(parts.hostname, parts.port or (443 if parts.scheme == "https" else 80))
    except ValueError as error:
        raise ValidationError(str(error)) from None
    return url


def checked_filter(value: Mapping[str, Any]) -> dict[str, Any]:
    unknown = sorted(set(value) - set(FILTER_KEYS))
    if unknown:
        raise ValidationError(f"Unknown filters {unknown}: use {sorted(FILTER_KEYS)}.")
    clean: dict[str, Any] = {}
    for key, given in value.items():
        values = given if isinstance(given, list) else [given]
        if not values or not all(isinstance(v, str) and v.strip() for v in values):
            raise ValidationError(f"{key}: give a non-empty string or a list of them.")
        clean[key] = [make_slug(v) for v in values]
    return clean


def matches(endpoint: WebhookEndpoint, event_type: str, obj: str, data: Mapping[str, Any]) -> bool:
    """Whether the endpoint wants this event: its types, and for articles its filter."""
    if "*" not in endpoint.events and event_type not in endpoint.events:
        return False
    if obj != ARTICLE or not endpoint.filter or set(data) <= {"id", "slug"}:
        return True  # names, and tombstones (which no longer say what they were), pass
    have = {
        **{kind.plural: _slugs(data, kind.relation) for kind in NAMED_KINDS},
        "language": {make_slug(data.get("language") or "")},
        "section": {make_slug(data.get("section") or "")},
    }
    for key, wanted in endpoint.filter.items():
        present = have[FILTER_KEYS[key]]
        if key == "any_tag":
            ok = bool(present & set(wanted))
        elif key == "exclude_tag":
            ok = not present & set(wanted)
        elif key in ("language", "section"):
            ok = bool(present & set(wanted))
        else:
            ok = set(wanted) <= present
        if not ok:
            return False
    return True


def _slugs(article: Mapping[str, Any], relation: str) -> set[str]:
    """The slugs of the rows an article's representation names along ``relation``: it
    nests them as the models do ("quotes__source": each quotation's source)."""
    rows: list[Any] = [article]
    for step in relation.split("__"):
        nested = [row.get(step) for row in rows]
        rows = [
            each for value in nested if value
            for each in (value if isinstance(value, list) else [value])
        ]  # fmt: skip
    return {row["slug"] for row in rows}
