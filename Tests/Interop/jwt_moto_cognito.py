#!/usr/bin/env python3
"""Gets real Cognito-shaped tokens from moto's Cognito emulation.

Starts moto's server on 127.0.0.1 (a free port), creates a user pool, an app client and a user
with boto3's cognito-idp client, signs in with USER_PASSWORD_AUTH, and prints one JSON line:
{"issuer", "jwks_uri", "client_id", "access_token", "id_token"}. moto's tokens carry the real
Cognito issuer (https://cognito-idp.{region}.amazonaws.com/{pool}) while its JWKS is served at
http://127.0.0.1:PORT/{pool}/.well-known/jwks.json. The server keeps running until stdin closes,
so the Swift test can fetch the JWKS from it.
"""
import json
import sys

import boto3
from moto.server import ThreadedMotoServer


def main() -> None:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    region = "us-east-1"
    client = boto3.client(
        "cognito-idp",
        region_name=region,
        endpoint_url=endpoint,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    pool_id = client.create_user_pool(PoolName="interop")["UserPool"]["Id"]
    client_id = client.create_user_pool_client(
        UserPoolId=pool_id,
        ClientName="interop-app",
        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    )["UserPoolClient"]["ClientId"]
    client.admin_create_user(UserPoolId=pool_id, Username="alice", TemporaryPassword="Temp-Passw0rd!")
    client.admin_set_user_password(UserPoolId=pool_id, Username="alice", Password="Str0ng-Passw0rd!", Permanent=True)
    result = client.initiate_auth(
        ClientId=client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "alice", "PASSWORD": "Str0ng-Passw0rd!"},
    )["AuthenticationResult"]
    print(
        json.dumps(
            {
                "issuer": f"https://cognito-idp.{region}.amazonaws.com/{pool_id}",
                "jwks_uri": f"{endpoint}/{pool_id}/.well-known/jwks.json",
                "client_id": client_id,
                "access_token": result["AccessToken"],
                "id_token": result["IdToken"],
            }
        ),
        flush=True,
    )
    sys.stdin.read()  # serve until the test closes our stdin
    server.stop()


if __name__ == "__main__":
    main()
