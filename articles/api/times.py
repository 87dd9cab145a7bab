"""Times in the API: answered in UTC (``Z``) whatever the newsroom's zone, which is the
admin's; a date-time given without an offset is read in the newsroom's zone (``TIME_ZONE``)."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import models
from django.utils import timezone
from rest_framework import serializers

from articles import contract

WRITTEN_TIMES = (
    "ISO 8601. Without an offset (`2026-11-20T07:00:00`) it is read in the newsroom's zone "
    "(`TIME_ZONE`, default UTC); answers are always in UTC."
)


def utc_text(value: datetime.datetime) -> str:
    """ISO 8601 in UTC, written ``Z`` as DRF writes UTC."""
    text = value.astimezone(datetime.UTC).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


# The contract's (a time without an offset is read in the newsroom's zone), answered in UTC.
class DateTimeField(contract.DateTimeField):
    def to_representation(self, value: Any) -> Any:
        if isinstance(value, datetime.datetime) and timezone.is_aware(value):
            return utc_text(value)
        return super().to_representation(value)


# DRF's, with the model's date-times as above (no docstring: the schema would show it as
# the description of every serializer that has none of its own).
class ModelSerializer(serializers.ModelSerializer):
    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.DateTimeField: DateTimeField,
    }
