"""Logging in for a token."""

from __future__ import annotations

from rest_framework import serializers
from rest_framework.authtoken.serializers import AuthTokenSerializer

from articles.contract import KnownFields


class LoginSerializer(KnownFields, AuthTokenSerializer):
    """A user's username and password."""


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="Send it as `Authorization: Token <token>`.")
