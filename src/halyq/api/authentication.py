"""`Authorization: Token halyq_…`: a hashed API token (see `halyq.api.services`).

Subclassing DRF's TokenAuthentication keeps its header parsing and lets drf-spectacular
describe the scheme; only the lookup differs (digest, not the secret, is stored).
"""

from __future__ import annotations

from rest_framework import authentication, exceptions

from halyq.api import services


class HashedTokenAuthentication(authentication.TokenAuthentication):
    keyword = "Token"

    def authenticate_credentials(self, key):
        try:
            token = services.api_token_authenticate(key)
        except services.TokenRefused as refusal:
            raise exceptions.AuthenticationFailed(refusal.message, code=refusal.code) from None
        return token.user, token
