"""DRF's model permissions, without building a queryset to learn the model."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from rest_framework import permissions


class DeclaredModel:
    """For a ``DjangoModelPermissions`` class: DRF calls the view's ``get_queryset()`` only to
    read its model (a selector's filters built, never run, on every request); a view that
    declares ``queryset`` (``Article.objects.none()``) names it without that."""

    def _queryset(self, view: Any) -> QuerySet:
        declared = getattr(view, "queryset", None)
        return declared if declared is not None else super()._queryset(view)  # type: ignore[misc]


class ModelPermissions(DeclaredModel, permissions.DjangoModelPermissions):
    pass


class ModelPermissionsOrAnonReadOnly(
    DeclaredModel, permissions.DjangoModelPermissionsOrAnonReadOnly
):
    pass
