"""The change feed and webhook endpoints: parameters checked here, the work in
``articles.events``."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from articles import events, selectors
from articles.api import event_serializers as s
from articles.api.model_permissions import ModelPermissions
from articles.api.schema import ERRORS
from articles.api.strictness import refuse_unknown_parameters
from articles.events.models import WebhookEndpoint


@extend_schema(
    tags=["events"],
    summary="The change feed",
    description=(
        "Every change a client could see, oldest first. Follow `next_cursor` with `after` "
        "to get every event once, in commit order (also while many writers commit out of "
        "order). Editors also get drafts' events. A cursor from before the oldest event "
        "kept (`EVENT_RETENTION_DAYS`) answers 410 with `resync: true`: read the archive "
        "again, then follow the feed from the start."
    ),
    parameters=[s.ChangesQuerySerializer],
    responses={
        200: s.ChangesPageSerializer,
        410: OpenApiResponse(s.ResyncSerializer, description="The cursor has expired."),
    },
)
class ChangesView(APIView):
    answered_by_postgresql = True  # the throttle need not ask about the index
    permission_classes = [permissions.AllowAny]

    def get(self, request: Request) -> HttpResponse:
        refuse_unknown_parameters(request.query_params, {"after", "limit"})
        params = s.ChangesQuerySerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        audience = events.EDITOR if selectors.can_see_unpublished(request.user) else events.READER
        try:
            page = events.page(
                params.validated_data.get("after"),
                limit=params.validated_data["limit"],
                audience=audience,
                origin=request.build_absolute_uri("/").rstrip("/"),
            )
        except events.BadCursor as error:
            raise ValidationError({"after": [str(error)]}) from None
        except events.ExpiredCursor:
            return Response(
                {
                    "detail": "This cursor is older than the oldest event kept: read the "
                    "archive again, then follow the feed from its start.",
                    "resync": True,
                },
                status=status.HTTP_410_GONE,
            )
        return HttpResponse(page.json, content_type="application/json")


class WebhookPermission(ModelPermissions):
    """The webhook endpoint model's permissions, reads included (view)."""

    perms_map = {
        **permissions.DjangoModelPermissions.perms_map,
        "GET": ["%(app_label)s.view_%(model_name)s"],
        "HEAD": ["%(app_label)s.view_%(model_name)s"],
        "OPTIONS": ["%(app_label)s.view_%(model_name)s"],
    }


class SecretSerializer(s.serializers.Serializer):
    secret = s.serializers.CharField(help_text="The new `whsec_...` secret, shown only here.")


def _denied(**responses: Any) -> dict[int, Any]:
    """Reads of webhooks need the permission too: 401 and 403 on every method."""
    return {
        **responses,
        **{code: OpenApiResponse(ERRORS[str(code)][0], description=ERRORS[str(code)][1])
           for code in (401, 403)},
    }  # fmt: skip


@extend_schema(tags=["events"])
@extend_schema_view(
    list=extend_schema(
        summary="Your webhook endpoints",
        responses=_denied(**{"200": s.WebhookEndpointSerializer(many=True)}),
    ),
    retrieve=extend_schema(
        summary="A webhook endpoint", responses=_denied(**{"200": s.WebhookEndpointSerializer})
    ),
    create=extend_schema(
        summary="Register a webhook endpoint",
        description="The answer holds its `secret` (`whsec_...`), shown only this once. The URL "
        "must be http(s) and resolve to public addresses (unless "
        "`WEBHOOK_ALLOW_PRIVATE_NETWORKS`); `events` are event types or `*`.",
    ),
    partial_update=extend_schema(
        summary="Change a webhook endpoint",
        description="`active: true` enables an endpoint that was disabled after failing.",
    ),
    destroy=extend_schema(summary="Delete a webhook endpoint and its delivery log"),
)
class WebhookEndpointViewSet(viewsets.ModelViewSet):
    """Webhook endpoints of the user (a superuser sees all)."""

    answered_by_postgresql = True

    serializer_class = s.WebhookEndpointSerializer
    permission_classes = [WebhookPermission]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    filter_backends: list = []
    queryset = WebhookEndpoint.objects.all()

    def get_queryset(self):
        endpoints = WebhookEndpoint.objects.order_by("id")
        if not self.request.user.is_superuser:
            endpoints = endpoints.filter(owner=self.request.user)
        return endpoints

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        refuse_unknown_parameters(request.query_params, {"page", "page_size"})
        return super().list(request, *args, **kwargs)

    @extend_schema(responses={201: s.WebhookEndpointCreatedSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        endpoint = serializer.save(owner=request.user, secret=events.new_secret())
        return Response(
            s.WebhookEndpointCreatedSerializer(endpoint).data, status=status.HTTP_201_CREATED
        )

    def perform_update(self, serializer) -> None:
        reenabled = serializer.validated_data.get("active") and not serializer.instance.active
        extra = {"disabled_reason": "", "failing_since": None} if reenabled else {}
        serializer.save(**extra)

    @extend_schema(
        summary="Its delivery log, newest first",
        responses=_denied(**{"200": s.WebhookDeliverySerializer(many=True)}),
    )
    @action(detail=True, methods=["get"])
    def deliveries(self, request: Request, pk: str | None = None) -> Response:
        refuse_unknown_parameters(request.query_params, {"page", "page_size"})
        endpoint = self.get_object()
        page = self.paginate_queryset(endpoint.deliveries.order_by("-id"))
        return self.get_paginated_response(s.WebhookDeliverySerializer(page, many=True).data)

    @extend_schema(
        summary="Send a test event",
        description="Queues a `webhook.test` delivery; the worker sends it within seconds.",
        request=None,
        responses={202: s.WebhookDeliverySerializer},
    )
    @action(detail=True, methods=["post"])
    def test(self, request: Request, pk: str | None = None) -> Response:
        delivery = events.send_test(self.get_object())
        return Response(s.WebhookDeliverySerializer(delivery).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(
        summary="Rotate its secret",
        description="A new secret, shown once; the previous one stays valid for 24 hours "
        "(deliveries carry both signatures meanwhile).",
        request=None,
        responses={200: SecretSerializer},
    )
    @action(detail=True, methods=["post"], url_path="rotate-secret")
    def rotate_secret(self, request: Request, pk: str | None = None) -> Response:
        return Response({"secret": events.rotate_secret(self.get_object())})
