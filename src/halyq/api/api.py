"""Endpoints of the API app itself: a user's own API tokens (/api/v1/me/tokens/).

Rules:
- Users see and revoke only their own tokens; somebody else's token is 404.
- The secret is in the answer to the creation only; it cannot be read again.
- A token can list and revoke tokens but not create one: a new token needs the
  signed-in session (the browser, e.g. through /api/docs/) or the `halyq api token create`
  command, so a leaked token cannot mint itself successors.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.response import Response

from halyq.api import selectors, services
from halyq.api.authentication import HashedTokenAuthentication
from halyq.api.models import ApiToken
from halyq.api.problems import ApiProblem
from halyq.api.serializers import StrictInputSerializer
from halyq.api.views import ApiGenericViewSet


class TokenSerializer(serializers.ModelSerializer):
    class Meta:
        model = ApiToken
        fields = ["id", "name", "prefix", "created_at", "last_used_at", "revoked_at"]
        read_only_fields = fields


class NewTokenSerializer(TokenSerializer):
    token = serializers.CharField(
        read_only=True,
        help_text="The secret: shown this once. Send it as `Authorization: Token …`.",
    )

    class Meta(TokenSerializer.Meta):
        fields = [*TokenSerializer.Meta.fields, "token"]
        read_only_fields = fields


class TokenCreateSerializer(StrictInputSerializer):
    name = serializers.CharField(max_length=100, help_text="What the token is for.")


@extend_schema_view(
    list=extend_schema(summary="My API tokens", tags=["me"]),
    retrieve=extend_schema(summary="One of my API tokens", tags=["me"]),
    create=extend_schema(
        summary="Create an API token",
        description=(
            "Only with the signed-in session (a token cannot create tokens). The answer "
            "holds the secret once; only its digest is stored."
        ),
        request=TokenCreateSerializer,
        responses={201: NewTokenSerializer},
        examples=[
            OpenApiExample("Request", request_only=True, value={"name": "newsroom script"}),
            OpenApiExample(
                "Answer",
                response_only=True,
                status_codes=["201"],
                value={
                    "id": 7,
                    "name": "newsroom script",
                    "prefix": "Xy3k_9aQ",
                    "created_at": "2026-03-02T10:15:00+05:00",
                    "last_used_at": None,
                    "revoked_at": None,
                    "token": "halyq_Xy3k_9aQ…",
                },
            ),
        ],
        tags=["me"],
    ),
    destroy=extend_schema(
        summary="Revoke an API token",
        description="Revoking is final; revoking a revoked token changes nothing.",
        responses={204: None},
        tags=["me"],
    ),
)
class TokenViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    ApiGenericViewSet,
):
    serializer_class = TokenSerializer
    lookup_value_regex = r"[0-9]{1,18}"

    def get_queryset(self):
        return selectors.api_token_list(user=self.request.user)

    def create(self, request, *args, **kwargs):
        if isinstance(request.successful_authenticator, HashedTokenAuthentication):
            raise ApiProblem(
                code="permission_denied",
                detail=_("Create tokens while signed in on the site, not with another token."),
            )
        payload = TokenCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        token, secret = services.api_token_create(
            user=request.user, name=payload.validated_data["name"]
        )
        body = NewTokenSerializer(token).data
        body["token"] = secret
        return Response(body, status=status.HTTP_201_CREATED)

    def destroy(self, request, *args, **kwargs):
        services.api_token_revoke(token=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


router_entries = [("me/tokens", TokenViewSet, "token")]
