"""Tokens: ``Authorization: Token <key>``, or ``Bearer <key>`` as generated clients send it."""

from __future__ import annotations

from rest_framework import authentication
from rest_framework.request import Request


class TokenAuthentication(authentication.TokenAuthentication):
    """DRF's token authentication, taking the ``Bearer`` keyword too: OpenAPI client
    generators (openapi-python-client among them) send that unless told otherwise."""

    keywords = ("token", "bearer")

    def authenticate(self, request: Request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].decode("latin-1").lower() not in self.keywords:
            return None
        self.keyword = header[0].decode("latin-1")  # this request's, for DRF's parsing
        return super().authenticate(request)
