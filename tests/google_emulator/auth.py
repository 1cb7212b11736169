"""OAuth for service accounts: key files, the JWT-bearer token endpoint, bearer-token checks.

People signing in (desktop clients, authorization code and refresh grants) are in ``oauth_users``.

google-auth signs an RS256 JWT (iss = client_email, aud = https://oauth2.googleapis.com/token,
sub = user for domain-wide delegation) and POSTs it to ``token_uri``. Self-signed JWTs used
directly as bearer tokens (``always_use_jwt_access``) are accepted too, as Google does.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from .oauth_users import UserOAuth

TOKEN_AUDIENCE = "https://oauth2.googleapis.com/token"
JWT_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer"
USER_GRANTS = ("authorization_code", "refresh_token")
_KEY_CACHE: dict[str, rsa.RSAPrivateKey] = {}
_KEY_LOCK = threading.Lock()


def _private_key(email: str) -> rsa.RSAPrivateKey:
    """One RSA-2048 key per account e-mail, kept for the whole test session (they are slow to make)."""
    with _KEY_LOCK:
        if email.lower() not in _KEY_CACHE:
            _KEY_CACHE[email.lower()] = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        return _KEY_CACHE[email.lower()]


def _b64decode(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


@dataclass
class ServiceAccount:
    email: str
    key_id: str
    public_key: rsa.RSAPublicKey
    domain_wide_delegation: bool = True


@dataclass
class Identity:
    """Who a request acts as. ``email`` is the effective principal (the subject when delegated)."""

    email: str
    service_account: str | None = None
    subject: str | None = None
    scopes: tuple[str, ...] = ()


@dataclass
class IssuedToken:
    identity: Identity
    expires_at: float


class TokenError(Exception):
    def __init__(self, error: str, description: str):
        super().__init__(description)
        self.error = error
        self.description = description


class Authority:
    """Registered service accounts and the access tokens issued to them."""

    def __init__(self) -> None:
        self.accounts: dict[str, ServiceAccount] = {}
        self.tokens: dict[str, IssuedToken] = {}
        self.users = UserOAuth()
        self._lock = threading.Lock()

    # --- keys --------------------------------------------------------------------------------
    def create_key(self, email: str, token_uri: str, *, project_id: str = "sop-konten-test",
                   domain_wide_delegation: bool = True) -> dict[str, Any]:
        """Register a service account and return its key JSON (as Google's console would)."""
        key = _private_key(email)
        key_id = hashlib.sha1(email.encode()).hexdigest()
        self.accounts[email.lower()] = ServiceAccount(email, key_id, key.public_key(), domain_wide_delegation)
        pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption()).decode()
        client_id = str(int(hashlib.sha256(email.encode()).hexdigest()[:15], 16))
        return {
            "type": "service_account",
            "project_id": project_id,
            "private_key_id": key_id,
            "private_key": pem,
            "client_email": email,
            "client_id": client_id,
            "auth_uri": "https://accounts.google.com/o/oauth2/auth",
            "token_uri": token_uri,
            "auth_provider_x509_cert_url": "https://www.googleapis.com/oauth2/v1/certs",
            "client_x509_cert_url": "https://www.googleapis.com/robot/v1/metadata/x509/" + email,
            "universe_domain": "googleapis.com",
        }

    # --- JWTs --------------------------------------------------------------------------------
    def verify_jwt(self, token: str, audience: str | None) -> dict[str, Any]:
        try:
            header_b64, payload_b64, signature_b64 = token.split(".")
            header = json.loads(_b64decode(header_b64))
            payload = json.loads(_b64decode(payload_b64))
            signature = _b64decode(signature_b64)
        except Exception as exc:
            raise TokenError("invalid_grant", "Invalid JWT: malformed.") from exc
        if header.get("alg") != "RS256":
            raise TokenError("invalid_grant", "Invalid JWT: unsupported algorithm.")
        account = self.accounts.get(str(payload.get("iss", "")).lower())
        if account is None:
            raise TokenError("invalid_grant", "Invalid grant: account not found")
        try:
            account.public_key.verify(signature, f"{header_b64}.{payload_b64}".encode(),
                                      padding.PKCS1v15(), hashes.SHA256())
        except InvalidSignature as exc:
            raise TokenError("invalid_grant", "Invalid JWT Signature.") from exc
        now = time.time()
        if payload.get("exp", 0) < now - 30 or payload.get("iat", now) > now + 300:
            raise TokenError("invalid_grant",
                             "Invalid JWT: Token must be a short-lived token (60 minutes) and in a "
                             "reasonable timeframe. Check your iat and exp values in the JWT claim.")
        if audience is not None and payload.get("aud") != audience:
            raise TokenError("invalid_grant", "Invalid JWT: Failed audience check.")
        return payload

    def grant(self, form: dict[str, str]) -> dict[str, Any]:
        """Handle POST /token; returns the JSON body or raises TokenError (OAuthError for people's grants)."""
        if form.get("grant_type") in USER_GRANTS:
            return self.users.grant(form, self._issue_for_user)
        if form.get("grant_type") != JWT_GRANT:
            raise TokenError("unsupported_grant_type", "Invalid grant_type: " + form.get("grant_type", ""))
        payload = self.verify_jwt(form.get("assertion", ""), TOKEN_AUDIENCE)
        account = self.accounts[payload["iss"].lower()]
        subject = payload.get("sub")
        if subject and subject.lower() == account.email.lower():
            subject = None
        if subject and not account.domain_wide_delegation:
            raise TokenError("unauthorized_client",
                             "Client is unauthorized to retrieve access tokens using this method, or client "
                             "not authorized for any of the scopes requested.")
        scopes = tuple(str(payload.get("scope", "")).split())
        identity = Identity(subject or account.email, account.email, subject, scopes)
        token = "ya29.emu-" + secrets.token_urlsafe(24)
        with self._lock:
            self.tokens[token] = IssuedToken(identity, time.time() + 3600)
        return {"access_token": token, "expires_in": 3600, "token_type": "Bearer"}

    def _issue_for_user(self, user: str, scopes: tuple[str, ...]) -> str:
        token = "ya29.emu-" + secrets.token_urlsafe(24)
        with self._lock:
            self.tokens[token] = IssuedToken(Identity(user, None, None, scopes), time.time() + 3600)
        return token

    def identify(self, authorization: str | None) -> tuple[Identity | None, bool]:
        """Bearer header -> (identity, was_present)."""
        if not authorization or not authorization.lower().startswith("bearer "):
            return None, False
        token = authorization.split(" ", 1)[1].strip()
        issued = self.tokens.get(token)
        if issued is not None:
            if issued.expires_at < time.time():
                return None, True
            return issued.identity, True
        if token.count(".") == 2:  # self-signed JWT access
            try:
                payload = self.verify_jwt(token, None)
            except TokenError:
                return None, True
            email = self.accounts[payload["iss"].lower()].email
            return Identity(email, email, None, tuple(str(payload.get("scope", "")).split())), True
        return None, True

    def revoke_all(self) -> None:
        with self._lock:
            self.tokens.clear()

    def expire_all(self) -> None:
        with self._lock:
            for issued in self.tokens.values():
                issued.expires_at = 0
