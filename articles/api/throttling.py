"""Throttles beyond DRF's defaults: password guesses at the token endpoint are limited per
client address and per username (``THROTTLE_LOGIN``), so neither many addresses nor many
usernames get more tries."""

from __future__ import annotations

import hashlib

from rest_framework.request import Request
from rest_framework.throttling import SimpleRateThrottle


class LoginAddressThrottle(SimpleRateThrottle):
    scope = "login"

    def get_cache_key(self, request: Request, view) -> str:
        return f"throttle_login_address_{self.get_ident(request)}"


class LoginUsernameThrottle(SimpleRateThrottle):
    scope = "login"

    def get_cache_key(self, request: Request, view) -> str | None:
        username = request.data.get("username") if hasattr(request.data, "get") else None
        if not isinstance(username, str) or not username.strip():
            return None  # the view answers 400; nothing to count
        # Hashed: a username may hold any character, a cache key may not.
        digest = hashlib.sha256(username.strip().casefold().encode(errors="replace")).hexdigest()
        return f"throttle_login_username_{digest[:32]}"
