"""OAuth for people: desktop (installed-app) clients, the consent step, and the two user grants.

Follows Google's "OAuth 2.0 for iOS & Desktop Apps"
(https://developers.google.com/identity/protocols/oauth2/native-app):

- the client JSON a Cloud Console "Desktop app" client downloads is ``{"installed": {client_id, client_secret,
  auth_uri, token_uri, redirect_uris: ["http://localhost"], ...}}``;
- step 2 (authorization request): ``client_id``, ``redirect_uri`` (a loopback address, any port: "#redirect-uri_loopback"),
  ``response_type=code``, ``scope``, ``state``, ``code_challenge`` + ``code_challenge_method`` (S256 or plain),
  ``access_type=offline`` for a refresh token, ``prompt=consent``;
- step 4 (the answer): the browser goes to ``redirect_uri?state=..&code=..&scope=..`` or ``?error=access_denied``;
- step 5 (exchange): POST token_uri ``code, client_id, client_secret, code_verifier, grant_type=authorization_code,
  redirect_uri`` -> ``{access_token, expires_in, refresh_token, scope, token_type: "Bearer", id_token}``, plus
  ``refresh_token_expires_in`` when the grant is time-limited;
- "Refreshing an access token": POST ``client_id, client_secret, grant_type=refresh_token, refresh_token`` ->
  ``{access_token, expires_in, scope, token_type}``; a revoked or expired refresh token answers 400
  ``{"error": "invalid_grant", "error_description": "Token has been expired or revoked."}``.
- Refresh tokens of an app whose consent screen is "External" and in "Testing" expire after 7 days
  (https://developers.google.com/identity/protocols/oauth2#expiration).
- The ID token is a JWT whose payload names the user (``email``, ``sub``, ``aud`` = client ID); a client that
  got it straight from the token endpoint may read it without checking the signature
  (https://developers.google.com/identity/openid-connect/openid-connect#obtainuserinfo).

The consent screen itself is not emulated: a test plays the person in the browser with ``consent``.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding

TESTING_REFRESH_SECONDS = 7 * 24 * 3600 - 1  # Google answers 604799
ACCESS_SECONDS = 3599
OPENID_EMAIL_SCOPES = ("openid", "email", "https://www.googleapis.com/auth/userinfo.email")


class OAuthError(Exception):
    """An answer of the token endpoint other than 200: (status, error, description)."""

    def __init__(self, error: str, description: str, status: int = 400):
        super().__init__(description)
        self.error, self.description, self.status = error, description, status


@dataclass
class DesktopClient:
    client_id: str
    client_secret: str
    testing: bool = False  # consent screen "External" + "Testing": refresh tokens last 7 days


@dataclass
class PendingCode:
    client_id: str
    user: str
    scopes: tuple[str, ...]
    redirect_uri: str
    challenge: str
    method: str
    offline: bool


@dataclass
class RefreshGrant:
    client_id: str
    user: str
    scopes: tuple[str, ...]
    expires_at: float | None


@dataclass
class UserOAuth:
    """Desktop clients, the codes consent gives, and the refresh tokens exchanged for them."""

    clients: dict[str, DesktopClient] = field(default_factory=dict)
    codes: dict[str, PendingCode] = field(default_factory=dict)
    refresh_tokens: dict[str, RefreshGrant] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def create_client(self, token_uri: str, *, project_id: str = "sop-konten-test", testing: bool = False
                      ) -> dict[str, Any]:
        client_id = f"{secrets.randbelow(10**12):012d}-emu.apps.googleusercontent.com"
        client = DesktopClient(client_id, "GOCSPX-" + secrets.token_urlsafe(21), testing)
        self.clients[client_id] = client
        return {"installed": {
            "client_id": client_id, "project_id": project_id,
            "auth_uri": "https://accounts.google.com/o/oauth2/auth", "token_uri": token_uri,
            "auth_provider_x509_cert_url": "https://www.googleapis.com/oauth2/v1/certs",
            "client_secret": client.client_secret, "redirect_uris": ["http://localhost"],
        }}

    # --- step 2-4: the person consents in the browser -------------------------------------------
    def consent(self, authorization_url: str, user: str, *, grant: tuple[str, ...] | None = None,
                deny: bool = False) -> str:
        """Where Google sends the browser after ``user`` answers the consent screen (``grant``: the scopes the
        person left ticked, granular consent; all by default)."""
        query = {k: v[0] for k, v in urllib.parse.parse_qs(urllib.parse.urlsplit(authorization_url).query).items()}
        client = self.clients.get(query.get("client_id", ""))
        redirect_uri = query.get("redirect_uri", "")
        if client is None:
            raise OAuthError("invalid_client", "The OAuth client was not found.", 401)
        if not _is_loopback(redirect_uri) or query.get("response_type") != "code":
            raise OAuthError("redirect_uri_mismatch", "Error 400: redirect_uri_mismatch")
        state = {"state": query["state"]} if "state" in query else {}
        if deny:
            return _with_query(redirect_uri, {"error": "access_denied", **state})
        asked = tuple(query.get("scope", "").split())
        granted = tuple(s for s in asked if grant is None or s in grant or s in OPENID_EMAIL_SCOPES)
        code = "4/0A" + secrets.token_urlsafe(32)
        with self.lock:
            self.codes[code] = PendingCode(client.client_id, user, granted, redirect_uri,
                                           query.get("code_challenge", ""), query.get("code_challenge_method", "plain"),
                                           query.get("access_type") == "offline")
        return _with_query(redirect_uri, {**state, "code": code, "scope": " ".join(granted)})

    # --- step 5 and refreshing: the token endpoint ----------------------------------------------
    def grant(self, form: dict[str, str], issue_access: Any) -> dict[str, Any]:
        client = self.clients.get(form.get("client_id", ""))
        if client is None or form.get("client_secret") != client.client_secret:
            raise OAuthError("invalid_client", "Unauthorized", 401)
        if form.get("grant_type") == "authorization_code":
            return self._exchange(client, form, issue_access)
        return self._refresh(client, form, issue_access)

    def _exchange(self, client: DesktopClient, form: dict[str, str], issue_access: Any) -> dict[str, Any]:
        with self.lock:
            pending = self.codes.pop(form.get("code", ""), None)  # one use, as Google
        if pending is None or pending.client_id != client.client_id:
            raise OAuthError("invalid_grant", "Malformed auth code.")
        if form.get("redirect_uri") != pending.redirect_uri:
            raise OAuthError("redirect_uri_mismatch", "Bad Request")
        if pending.challenge and not _verifier_matches(form.get("code_verifier", ""), pending):
            raise OAuthError("invalid_grant", "Invalid code verifier.")
        answer = self._access(client, pending.user, pending.scopes, issue_access)
        if pending.offline:
            refresh = "1//0g" + secrets.token_urlsafe(48)
            expires_at = time.time() + TESTING_REFRESH_SECONDS if client.testing else None
            with self.lock:
                self.refresh_tokens[refresh] = RefreshGrant(client.client_id, pending.user, pending.scopes,
                                                            expires_at)
            answer["refresh_token"] = refresh
            if client.testing:
                answer["refresh_token_expires_in"] = TESTING_REFRESH_SECONDS
        return answer

    def _refresh(self, client: DesktopClient, form: dict[str, str], issue_access: Any) -> dict[str, Any]:
        held = self.refresh_tokens.get(form.get("refresh_token", ""))
        if (held is None or held.client_id != client.client_id
                or (held.expires_at is not None and held.expires_at < time.time())):
            raise OAuthError("invalid_grant", "Token has been expired or revoked.")
        asked = tuple(form.get("scope", "").split()) or held.scopes
        if not set(asked) <= set(held.scopes):
            raise OAuthError("invalid_scope", "Bad Request")
        return self._access(client, held.user, asked, issue_access)

    def _access(self, client: DesktopClient, user: str, scopes: tuple[str, ...], issue_access: Any) -> dict[str, Any]:
        answer = {"access_token": issue_access(user, scopes), "expires_in": ACCESS_SECONDS,
                  "scope": " ".join(scopes), "token_type": "Bearer"}
        if "openid" in scopes:
            answer["id_token"] = _id_token(client.client_id, user, scopes)
        return answer

    def revoke(self, user: str | None = None) -> None:
        """The person (or an admin) revoked the app's access: its refresh tokens stop working."""
        with self.lock:
            for token in [t for t, g in self.refresh_tokens.items() if user is None or g.user == user]:
                del self.refresh_tokens[token]


def _is_loopback(uri: str) -> bool:
    parts = urllib.parse.urlsplit(uri)
    return parts.scheme == "http" and parts.hostname in ("127.0.0.1", "localhost", "::1")


def _with_query(uri: str, params: dict[str, str]) -> str:
    return uri + ("&" if "?" in uri else "?") + urllib.parse.urlencode(params)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _verifier_matches(verifier: str, pending: PendingCode) -> bool:
    if pending.method == "S256":
        return _b64(hashlib.sha256(verifier.encode("ascii")).digest()) == pending.challenge
    return verifier == pending.challenge


def _id_token(client_id: str, user: str, scopes: tuple[str, ...]) -> str:
    from .auth import _private_key

    now = int(time.time())
    header = {"alg": "RS256", "kid": "emu-accounts", "typ": "JWT"}
    payload: dict[str, Any] = {"iss": "https://accounts.google.com", "azp": client_id, "aud": client_id,
                               "sub": str(int(hashlib.sha256(user.lower().encode()).hexdigest()[:18], 16)),
                               "iat": now, "exp": now + 3600}
    if {"email", "https://www.googleapis.com/auth/userinfo.email"} & set(scopes):
        payload.update(email=user, email_verified=True)
    signing_input = _b64(json.dumps(header).encode()) + "." + _b64(json.dumps(payload).encode())
    signature = _private_key("accounts.google.com").sign(signing_input.encode(), padding.PKCS1v15(), hashes.SHA256())
    return signing_input + "." + _b64(signature)
