"""The write path's field lists and per-kind tables derive from ``articles.fields`` and
``articles.kinds``: a field or a kind declared there reaches every door."""

from __future__ import annotations

import dataclasses

import pytest

from articles import archives, bulk_rows, kinds, rows
from articles.api import serializers
from articles.contract import ArticleContract
from articles.events import _outbox
from articles.fields import DERIVED_FIELDS, FIELD_NAMES
from articles.models import Article

pytestmark = pytest.mark.django_db


def test_every_stored_column_of_an_article_is_declared():
    columns = {f.column for f in Article._meta.concrete_fields} - {"id", "created_by_id"}
    declared = set(FIELD_NAMES) | {each.name for each in DERIVED_FIELDS}
    assert columns == declared
    assert set(bulk_rows._ARTICLE_COLUMNS) == declared | {"created_by_id"}


def test_every_door_takes_and_gives_the_declared_fields():
    relations = ["authors", "tags", "quotes"]
    assert ArticleContract.Meta.fields == [*FIELD_NAMES, *relations]
    assert serializers.ArticleWriteSerializer.Meta.fields == ArticleContract.Meta.fields
    assert list(archives.EXPORTED_FIELDS) == list(FIELD_NAMES)
    shown = set(serializers.ArticleDetailSerializer.Meta.fields)
    assert set(FIELD_NAMES) | {each.name for each in DERIVED_FIELDS} <= shown
    row_fields = {f.name for f in dataclasses.fields(rows.ArticleRow)}
    assert set(rows.ROW_COLUMNS) <= row_fields


def test_every_kind_has_its_events_and_its_serializer():
    for kind in kinds.NAMED_KINDS:
        assert {f"{kind.name}.{verb}" for verb in ("created", "updated", "deleted")} <= (
            _outbox.EVENT_TYPES
        )
        assert serializers.named_serializer(kind.model).Meta.model is kind.model
        for name in kind.own_fields:
            kind.model._meta.get_field(name)  # a field of its model
