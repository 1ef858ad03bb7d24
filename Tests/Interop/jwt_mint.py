#!/usr/bin/env python3
"""Mints JWTs with independent implementations (joserfc and PyJWT), RS256 and ES256.

Prints one JSON object: {"issuer", "jwks": {...public JWK Set...}, "tokens": {name: token}}.
The Swift interop test serves the JWKS over loopback and verifies every token.
Usage: jwt_mint.py ISSUER
"""
import json
import sys
import time

from joserfc import jwt as jose_jwt
from joserfc.jwk import ECKey, KeySet, RSAKey

import jwt as pyjwt
from cryptography.hazmat.primitives import serialization


def main() -> None:
    issuer = sys.argv[1]
    now = int(time.time())
    claims = {
        "iss": issuer,
        "sub": "interop-user",
        "username": "interop",
        "client_id": "interop-client",
        "token_use": "access",
        "scope": "orders/read",
        "iat": now,
        "exp": now + 600,
    }

    jose_rsa = RSAKey.generate_key(2048, parameters={"kid": "jose-rsa", "use": "sig", "alg": "RS256"})
    jose_ec = ECKey.generate_key("P-256", parameters={"kid": "jose-ec", "use": "sig", "alg": "ES256"})
    py_rsa = RSAKey.generate_key(2048, parameters={"kid": "pyjwt-rsa", "use": "sig", "alg": "RS256"})
    py_ec = ECKey.generate_key("P-256", parameters={"kid": "pyjwt-ec", "use": "sig", "alg": "ES256"})

    def pem(key) -> bytes:
        return key.private_key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )

    tokens = {
        "joserfc_rs256": jose_jwt.encode({"alg": "RS256", "kid": "jose-rsa", "typ": "JWT"}, claims, jose_rsa),
        "joserfc_es256": jose_jwt.encode({"alg": "ES256", "kid": "jose-ec"}, claims, jose_ec),
        "pyjwt_rs256": pyjwt.encode(claims, pem(py_rsa), algorithm="RS256", headers={"kid": "pyjwt-rsa"}),
        "pyjwt_es256": pyjwt.encode(claims, pem(py_ec), algorithm="ES256", headers={"kid": "pyjwt-ec"}),
    }
    jwks = KeySet([jose_rsa, jose_ec, py_rsa, py_ec]).as_dict(private=False)
    print(json.dumps({"issuer": issuer, "jwks": jwks, "tokens": tokens}))


if __name__ == "__main__":
    main()
