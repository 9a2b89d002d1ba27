"""The province API (`/api/province/v1`): provinces' systems with OAuth 2.0 client credentials.

tokens.py verifies access tokens against the identity service's JWKS; oauth.py is the token endpoint (Authlib's
authorization server), assertions.py its private_key_jwt client authentication; idempotency.py keeps POSTs from
acting twice; api.py holds the endpoints and their own OpenAPI document; access.py turns a verified token into the
signed caller of kind "client".
"""
