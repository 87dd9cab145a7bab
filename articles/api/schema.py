"""OpenAPI: every operation declares the errors it can answer, with their JSON bodies."""

from __future__ import annotations

import json

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiParameter
from rest_framework import permissions, serializers


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="What is wrong.")


# Field name (or query parameter, or `detail`) -> its messages; a list or nested field maps
# each position or sub-field to its own messages.
VALIDATION_ERROR = {
    "type": "object",
    "additionalProperties": {
        "oneOf": [{"type": "array", "items": {}}, {"type": "object"}, {"type": "string"}]
    },
    "example": {"language": ["Use a two-letter ISO 639-1 code, e.g. 'fr'."]},
}


# The errors whose body is ErrorSerializer's ``{"detail": ...}``, with their descriptions.
_DETAIL_ERRORS = {
    "301": "The slug is an alias now (another spelling, or a merged author or source): "
    "`Location` is the entity's own URL.",
    "401": "No valid credentials: send `Authorization: Bearer <token>` (or `Token <token>`).",
    "403": "Authenticated, but without the permission this needs.",
    "404": "No such resource, or not visible to you, or a page past the last.",
    "412": "`If-Match` named a version the article no longer has.",
    "413": "The request body is larger than the server accepts.",
    "429": "Too many requests: wait as `Retry-After` says.",
    "503": "The database or the search index cannot answer now, or the query took too long: "
    "try again as `Retry-After` says.",
}
# Status code -> (its body, its description).
ERRORS = {
    **{code: (ErrorSerializer, description) for code, description in _DETAIL_ERRORS.items()},
    "304": (
        None,
        "Not modified: `If-None-Match` named the `ETag` this answer has now (no body).",
    ),
    "400": (VALIDATION_ERROR, "Invalid input: the body says which field and why."),
    "409": (
        VALIDATION_ERROR,
        "It clashes with what is stored: a name another tag, author or source has, a source "
        "still quoted, a URL another article has.",
    ),
}


class BearerTokenScheme(OpenApiAuthenticationExtension):
    """Our token authentication as an HTTP bearer scheme: Swagger UI's Authorize box then takes
    the bare token and adds the prefix itself (``Bearer``, which the API takes like ``Token``)."""

    target_class = "articles.api.authentication.TokenAuthentication"
    name = "tokenAuth"
    priority = 1  # above drf-spectacular's own scheme for DRF's TokenAuthentication

    def get_security_definition(self, auto_schema: AutoSchema) -> dict:
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "Get a token from `POST /api/v1/auth/token/` (username and "
            "password). In Swagger UI: Authorize, paste the token alone (no prefix). Clients "
            "send `Authorization: Bearer <token>` or `Authorization: Token <token>`.",
        }


ALIASED_DETAILS = ("/api/v1/authors/{slug}/", "/api/v1/sources/{slug}/")  # see name_views


class NewsAutoSchema(AutoSchema):
    def get_auth(self) -> list[dict]:
        """Reads are open to anonymous clients: say so (``{}``) for our permission class too."""
        auths = super().get_auth()
        anonymous_reads = any(
            isinstance(permission, permissions.DjangoModelPermissionsOrAnonReadOnly)
            for permission in self.view.get_permissions()
        )
        if anonymous_reads and self.method in permissions.SAFE_METHODS and {} not in auths:
            auths.append({})
        return auths

    def _error_codes(self) -> list[str]:
        writes = self.method in ("POST", "PUT", "PATCH", "DELETE")
        lists = self._is_list_view()
        codes = ["304"] if self.method == "GET" else []
        if self.method == "GET" and self.path.startswith(ALIASED_DETAILS):
            codes.insert(0, "301")
        takes_parameters = bool(self.get_filter_backends()) or any(
            not isinstance(parameter, OpenApiParameter)
            or parameter.location != OpenApiParameter.HEADER
            for parameter in self.get_override_parameters()
        )  # headers (If-Match, ETag) are no parameters to refuse
        if writes or lists or takes_parameters:
            codes.append("400")
        if writes:
            codes += ["401", "403"]
        if "{" in self.path or lists:
            codes.append("404")
        if writes and not self.path.startswith("/api/v1/auth/"):
            codes.append("409")
        if self.method in ("PUT", "PATCH", "DELETE") and self.path.startswith("/api/v1/articles/"):
            codes.append("412")
        if writes:
            codes.append("413")
        codes += ["429", "503"]
        return codes

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        for code in self._error_codes():
            if code not in responses:
                serializer, description = ERRORS[code]
                response = self._get_response_for_code(serializer, code, direction=direction)
                response["description"] = description
                responses[code] = response
        return responses


def nullable_refs_inlined(result: dict, **kwargs: object) -> dict:
    """drf-spectacular writes a nullable reference as ``allOf: [$ref]`` + ``nullable``, which
    OpenAPI 3.0.3 reads as not nullable (``nullable`` needs a ``type`` beside it: Redocly's
    nullable-type-sibling), while a ``type`` beside the ``allOf`` makes generated clients
    forget the null. The referenced object is written in place instead, with its type; a
    component no longer referenced is dropped."""
    components = result.get("components", {}).get("schemas", {})
    inlined: set[str] = set()

    def visit(node: object) -> None:
        if isinstance(node, dict):
            refs = node.get("allOf")
            if node.get("nullable") and "type" not in node and refs and len(refs) == 1:
                name = refs[0].get("$ref", "").rsplit("/", 1)[-1]
                if components.get(name, {}).get("type") == "object":
                    del node["allOf"]
                    node.update({**components[name], **node})
                    inlined.add(name)
            for value in node.values():
                visit(value)
        elif isinstance(node, list):
            for value in node:
                visit(value)

    visit(result)
    text = json.dumps(result, default=str)  # lazy translations
    for name in inlined:
        if f'"#/components/schemas/{name}"' not in text:
            del components[name]
    return result
