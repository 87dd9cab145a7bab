"""Synonym sets in the admin: they apply to every search at once (queries read the sets)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.postgres.forms import SimpleArrayField
from django.db.models import QuerySet
from django.http import HttpRequest

from articles import synonyms
from articles.models import SynonymSet


class SynonymSetForm(forms.ModelForm):
    terms = SimpleArrayField(
        forms.CharField(max_length=100),
        delimiter="\n",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="One word or phrase a line (Kyiv, Kiev, Kiew; United States, USA).",
    )

    class Meta:
        model = SynonymSet
        fields = ["terms", "language"]

    def clean_terms(self) -> list[str]:
        return synonyms.checked_terms(self.cleaned_data["terms"])


@admin.register(SynonymSet)
class SynonymSetAdmin(admin.ModelAdmin):
    """Applies to every search at once (queries read the sets), nothing is re-indexed."""

    form = SynonymSetForm
    list_display = ["__str__", "language", "updated_at"]
    list_filter = ["language"]

    def save_model(self, request: HttpRequest, obj: SynonymSet, form: Any, change: bool) -> None:
        data = form.cleaned_data
        values = {"terms": data["terms"], "language": data["language"] or None}
        if change:
            synonyms.synonym_set_update(SynonymSet.objects.get(pk=obj.pk), **values)
        else:
            obj.pk = synonyms.synonym_set_create(**values).pk

    def delete_model(self, request: HttpRequest, obj: SynonymSet) -> None:
        synonyms.synonym_set_delete(obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[SynonymSet]) -> None:
        for synonym_set in queryset:
            synonyms.synonym_set_delete(synonym_set)
