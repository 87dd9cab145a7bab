"""Webhook endpoints and their delivery log in the admin (the endpoint model's permissions)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.postgres.forms import SimpleArrayField
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest

from articles.events import (
    EVENT_TYPES,
    checked_filter,
    checked_url,
    new_secret,
    rotate_secret,
    send_test,
)
from articles.events.models import WebhookDelivery, WebhookEndpoint


class WebhookEndpointForm(forms.ModelForm):
    events = SimpleArrayField(
        forms.CharField(max_length=40),
        help_text=f"Comma-separated: * for all, or of {', '.join(sorted(EVENT_TYPES))}.",
    )

    class Meta:
        model = WebhookEndpoint
        fields = ["url", "events", "filter", "active", "description"]

    def clean_url(self) -> str:
        return checked_url(self.cleaned_data["url"])

    def clean_events(self) -> list[str]:
        types = self.cleaned_data["events"]
        unknown = sorted(set(types) - EVENT_TYPES - {"*"})
        if unknown:
            raise ValidationError(f"Unknown event types {unknown}.")
        return sorted(set(types))

    def clean_filter(self) -> dict[str, Any]:
        value = self.cleaned_data.get("filter") or {}
        if not isinstance(value, dict):
            raise ValidationError('A JSON object, e.g. {"tag": ["climat"]}.')
        return checked_filter(value)


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    form = WebhookEndpointForm
    list_display = ["url", "active", "owner", "event_list", "disabled_reason", "created_at"]
    list_filter = ["active"]
    actions = ["send_test_event", "rotate"]
    readonly_fields = ["disabled_reason"]

    @admin.display(description="events")
    def event_list(self, endpoint: WebhookEndpoint) -> str:
        return ", ".join(endpoint.events)

    def save_model(
        self, request: HttpRequest, obj: WebhookEndpoint, form: Any, change: bool
    ) -> None:
        if not change:
            obj.owner = request.user
            obj.secret = new_secret()
        if change and "active" in form.changed_data and obj.active:
            obj.disabled_reason, obj.failing_since = "", None
        super().save_model(request, obj, form, change)
        if not change:
            self.message_user(
                request,
                f"Its signing secret, shown only now: {obj.secret}",
                messages.WARNING,
            )

    @admin.action(description="Send a test event")
    def send_test_event(self, request: HttpRequest, queryset: QuerySet[WebhookEndpoint]) -> None:
        for endpoint in queryset:
            send_test(endpoint)
        self.message_user(request, f"{queryset.count()} test event(s) queued.")

    @admin.action(description="Rotate the secret (the old one stays valid 24 hours)")
    def rotate(self, request: HttpRequest, queryset: QuerySet[WebhookEndpoint]) -> None:
        for endpoint in queryset:
            secret = rotate_secret(endpoint)
            self.message_user(
                request, f"New secret of {endpoint.url}, shown only now: {secret}", messages.WARNING
            )


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = [
        "id", "endpoint", "event_type", "attempt", "state", "status_code", "duration_ms",
        "created_at", "next_attempt_at",
    ]  # fmt: skip
    list_filter = ["state", "event_type"]
    list_select_related = ["endpoint"]
    readonly_fields = [f.name for f in WebhookDelivery._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.has_perm("articles.view_webhookendpoint")
