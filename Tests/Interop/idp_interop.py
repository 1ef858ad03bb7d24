#!/usr/bin/env python3
"""Drives the local issuer (serviceauth idp) with real AWS and OAuth clients.

Usage: idp_interop.py SCENARIO BASE_URL

Each scenario asserts what real clients see and prints one `OK <check>` line per check;
any failed check raises, so the script exits non-zero. Called from
Tests/ServiceAuthIdPTests with the issuer running in-process on 127.0.0.1.

Demo configuration credentials (IdPConfiguration.demo) are used throughout.
"""
import base64
import json
import os
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request

POOL = "us-east-1_LOCAL"
REGION = "us-east-1"
ORDERS_KEY = ("AKIAORDERSSERVICE001", "orders-service-secret-access-key")
REPORTS_KEY = ("AKIAREPORTSSERVICE01", "reports-service-secret-access-key")
ORDERS_ROLE = "arn:aws:iam::123456789012:role/orders"
REPORTS_ROLE = "arn:aws:iam::123456789012:role/reports"


def ok(what):
    print("OK " + what, flush=True)


def check(condition, what):
    if not condition:
        raise AssertionError(what)
    ok(what)


def http(method, url, data=None, headers=None):
    request = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def jwks(base):
    status, _, body = http("GET", f"{base}/{POOL}/.well-known/jwks.json")
    assert status == 200, status
    return json.loads(body)


def verify_pyjwt(token, base, **kwargs):
    import jwt

    keys = jwks(base)["keys"]
    kid = jwt.get_unverified_header(token)["kid"]
    key = next(k for k in keys if k["kid"] == kid)
    return jwt.decode(
        token,
        jwt.PyJWK(key).key,
        algorithms=["RS256"],
        issuer=f"{base}/{POOL}",
        options={"require": ["exp", "iat", "iss", "sub"]},
        **kwargs,
    )


def verify_joserfc(token, base):
    from joserfc import jwt as jjwt
    from joserfc.jwk import KeySet

    key_set = KeySet.import_key_set(jwks(base))
    decoded = jjwt.decode(token, key_set, algorithms=["RS256"])
    jjwt.JWTClaimsRegistry(iss={"essential": True, "value": f"{base}/{POOL}"}, exp={"essential": True}).validate(decoded.claims)
    return decoded.claims


def boto_client(service, base, key=None, session_token=None):
    import boto3
    from botocore.config import Config

    key = key or ORDERS_KEY
    return boto3.client(
        service,
        endpoint_url=base,
        region_name=REGION,
        aws_access_key_id=key[0],
        aws_secret_access_key=key[1],
        aws_session_token=session_token,
        config=Config(retries={"max_attempts": 1}, connect_timeout=5, read_timeout=10),
    )


def expect_client_error(call, code, what):
    from botocore.exceptions import ClientError

    try:
        call()
    except ClientError as error:
        got = error.response["Error"]["Code"]
        check(got == code, f"{what}: {got}")
        status = error.response["ResponseMetadata"]["HTTPStatusCode"]
        check(status < 500, f"{what}: HTTP {status} is not a server error")
        return error
    raise AssertionError(f"{what}: no error raised")


# --- scenarios -------------------------------------------------------------------------


def scenario_cognito(base):
    from botocore import UNSIGNED
    from botocore.config import Config
    import boto3

    client = boto3.client("cognito-idp", endpoint_url=base, region_name=REGION, config=Config(signature_version=UNSIGNED))
    result = client.initiate_auth(
        AuthFlow="USER_PASSWORD_AUTH", ClientId="web", AuthParameters={"USERNAME": "alice", "PASSWORD": "alice-password"}
    )["AuthenticationResult"]
    check(result["TokenType"] == "Bearer" and result["ExpiresIn"] == 3600, "initiate_auth returns Bearer tokens")
    access = verify_pyjwt(result["AccessToken"], base)
    check(access["token_use"] == "access" and access["client_id"] == "web", "access token verifies with PyJWT")
    check(access["username"] == "alice" and access["cognito:groups"] == ["customers"], "access token names alice and her group")
    scopes = access["scope"].split(" ")
    check(scopes == ["aws.cognito.signin.user.admin", "orders/read", "orders/write"], "access token scopes")
    for claim in ("sub", "auth_time", "iat", "exp", "jti", "origin_jti", "event_id", "version"):
        check(claim in access, f"access token has {claim}")
    id_claims = verify_joserfc(result["IdToken"], base)
    check(id_claims["token_use"] == "id" and id_claims["aud"] == "web", "id token verifies with joserfc")
    check(id_claims["cognito:username"] == "alice" and id_claims["email"] == "alice@example.com", "id token claims")
    check(id_claims["email_verified"] is True, "email_verified is a boolean")
    check(id_claims["sub"] == access["sub"] and id_claims["origin_jti"] == access["origin_jti"], "id and access tokens share sub and origin_jti")

    refreshed = client.initiate_auth(
        AuthFlow="REFRESH_TOKEN_AUTH", ClientId="web", AuthParameters={"REFRESH_TOKEN": result["RefreshToken"]}
    )["AuthenticationResult"]
    check("RefreshToken" not in refreshed, "refresh does not return a new refresh token")
    again = verify_pyjwt(refreshed["AccessToken"], base)
    check(again["origin_jti"] == access["origin_jti"] and again["jti"] != access["jti"], "refreshed token keeps origin_jti")

    bob = client.initiate_auth(
        AuthFlow="USER_PASSWORD_AUTH", ClientId="web", AuthParameters={"USERNAME": "bob", "PASSWORD": "bob-password"}
    )["AuthenticationResult"]
    check("orders/read" not in verify_pyjwt(bob["AccessToken"], base)["scope"].split(" "), "bob's token lacks orders/read")

    expect_client_error(
        lambda: client.initiate_auth(AuthFlow="USER_PASSWORD_AUTH", ClientId="web", AuthParameters={"USERNAME": "alice", "PASSWORD": "wrong"}),
        "NotAuthorizedException", "wrong password",
    )
    expect_client_error(
        lambda: client.initiate_auth(AuthFlow="USER_PASSWORD_AUTH", ClientId="web", AuthParameters={"USERNAME": "mallory", "PASSWORD": "x"}),
        "NotAuthorizedException", "unknown user",
    )
    expect_client_error(
        lambda: client.initiate_auth(AuthFlow="USER_PASSWORD_AUTH", ClientId="nope", AuthParameters={"USERNAME": "alice", "PASSWORD": "alice-password"}),
        "ResourceNotFoundException", "unknown client",
    )
    expect_client_error(
        lambda: client.initiate_auth(AuthFlow="REFRESH_TOKEN_AUTH", ClientId="web", AuthParameters={"REFRESH_TOKEN": "RT1.forged"}),
        "NotAuthorizedException", "forged refresh token",
    )
    expect_client_error(
        lambda: client.initiate_auth(AuthFlow="USER_PASSWORD_AUTH", ClientId="gateway", AuthParameters={"USERNAME": "alice", "PASSWORD": "alice-password"}),
        "NotAuthorizedException", "client with a secret needs SECRET_HASH",
    )
    import hashlib
    import hmac

    secret_hash = base64.b64encode(hmac.new(b"gateway-secret", b"alicegateway", hashlib.sha256).digest()).decode()
    with_hash = client.initiate_auth(
        AuthFlow="USER_PASSWORD_AUTH", ClientId="gateway",
        AuthParameters={"USERNAME": "alice", "PASSWORD": "alice-password", "SECRET_HASH": secret_hash},
    )["AuthenticationResult"]
    check(verify_pyjwt(with_hash["AccessToken"], base)["client_id"] == "gateway", "SECRET_HASH accepted")

    # The raw wire format of an error, as Cognito writes it.
    status, headers, body = http(
        "POST", base + "/",
        data=json.dumps({"AuthFlow": "USER_PASSWORD_AUTH", "ClientId": "web", "AuthParameters": {"USERNAME": "alice", "PASSWORD": "bad"}}).encode(),
        headers={"X-Amz-Target": "AWSCognitoIdentityProviderService.InitiateAuth", "Content-Type": "application/x-amz-json-1.1"},
    )
    error = json.loads(body)
    check(status == 400 and error["__type"] == "NotAuthorizedException" and "message" in error, "error body shape")
    check(headers.get("Content-Type") == "application/x-amz-json-1.1", "error content type")


def client_credentials(base, client_id, secret, scope=None, basic=True):
    form = {"grant_type": "client_credentials"}
    if scope:
        form["scope"] = scope
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    if basic:
        headers["Authorization"] = "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode()
    else:
        form["client_id"] = client_id
        form["client_secret"] = secret
    return http("POST", f"{base}/oauth2/token", data=urllib.parse.urlencode(form).encode(), headers=headers)


def scenario_oauth(base):
    completed = subprocess.run(
        ["curl", "-sS", "-u", "gateway:gateway-secret", "-d", "grant_type=client_credentials", "-d", "scope=orders/invoke", f"{base}/oauth2/token"],
        capture_output=True, text=True, timeout=30,
    )
    check(completed.returncode == 0, "curl form POST succeeds")
    answer = json.loads(completed.stdout)
    check(answer["token_type"] == "Bearer" and answer["expires_in"] == 3600, "curl gets a Bearer token")
    claims = verify_joserfc(answer["access_token"], base)
    check(claims["client_id"] == "gateway" and claims["sub"] == "gateway", "client token names the client")
    check(claims["scope"] == "orders/invoke" and claims["token_use"] == "access", "client token scope and token_use")
    for claim in ("auth_time", "iat", "exp", "jti", "version"):
        check(claim in claims, f"client token has {claim}")
    verify_pyjwt(answer["access_token"], base)
    ok("client token verifies with PyJWT")

    status, _, body = client_credentials(base, "gateway", "gateway-secret", basic=False)
    check(status == 200 and json.loads(body)["access_token"], "client_secret_post works")

    cases = [
        (client_credentials(base, "gateway", "wrong"), 401, "invalid_client", "wrong secret"),
        (client_credentials(base, "nobody", "x"), 401, "invalid_client", "unknown client"),
        (client_credentials(base, "gateway", "gateway-secret", scope="orders/read"), 400, "invalid_scope", "scope not allowed"),
        (client_credentials(base, "web", "", basic=False), 400, "unauthorized_client", "public client"),
        (http("POST", f"{base}/oauth2/token", data=b"grant_type=password&username=a", headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Authorization": "Basic " + base64.b64encode(b"gateway:gateway-secret").decode()}), 400, "unsupported_grant_type", "password grant"),
        (http("POST", f"{base}/oauth2/token", data=b"%zz", headers={"Content-Type": "application/x-www-form-urlencoded"}), 400, "invalid_request", "malformed form"),
        (http("POST", f"{base}/oauth2/token", data=b"{}", headers={"Content-Type": "application/json"}), 400, "invalid_request", "JSON body"),
    ]
    for (status, _, body), want_status, want_code, what in cases:
        check(status == want_status and json.loads(body)["error"] == want_code, f"{what} → {want_status} {want_code}")


def scenario_sts(base):
    sts = boto_client("sts", base)
    identity = sts.get_caller_identity()
    check(identity["Arn"] == "arn:aws:iam::123456789012:user/orders-service", "boto3 get_caller_identity")
    check(identity["Account"] == "123456789012" and identity["UserId"].startswith("AIDA"), "caller identity account and user id")

    assumed = sts.assume_role(RoleArn=ORDERS_ROLE, RoleSessionName="orders-test", DurationSeconds=900)
    credentials = assumed["Credentials"]
    check(credentials["AccessKeyId"].startswith("ASIA"), "assume_role returns ASIA credentials")
    check(assumed["AssumedRoleUser"]["Arn"] == "arn:aws:sts::123456789012:assumed-role/orders/orders-test", "assumed-role ARN")
    check(credentials["SessionToken"].startswith("SAT1."), "session token is sealed")
    temporary = boto_client("sts", base, key=(credentials["AccessKeyId"], credentials["SecretAccessKey"]), session_token=credentials["SessionToken"])
    check(temporary.get_caller_identity()["Arn"] == "arn:aws:sts::123456789012:assumed-role/orders/orders-test", "temporary credentials call GetCallerIdentity")

    # Presigned GetCallerIdentity, as Kubernetes-style IAM authenticators use it: signed for GET.
    presigned = sts.generate_presigned_url("get_caller_identity", ExpiresIn=300, HttpMethod="GET")
    status, _, body = http("GET", presigned)
    check(status == 200 and b"arn:aws:iam::123456789012:user/orders-service" in body, f"presigned GetCallerIdentity URL ({status} {body[:300]!r} {presigned})")

    expect_client_error(lambda: sts.assume_role(RoleArn=REPORTS_ROLE, RoleSessionName="x1"), "AccessDenied", "untrusted role")
    expect_client_error(lambda: sts.assume_role(RoleArn="arn:aws:iam::123456789012:role/none", RoleSessionName="x1"), "AccessDenied", "unknown role")
    expect_client_error(lambda: sts.assume_role(RoleArn=ORDERS_ROLE, RoleSessionName="x1", DurationSeconds=7200), "ValidationError", "duration above the role maximum")
    expect_client_error(lambda: sts.assume_role(RoleArn=ORDERS_ROLE, RoleSessionName="bad/name"), "ValidationError", "session name with a bad character")
    expect_client_error(lambda: boto_client("sts", base, key=(ORDERS_KEY[0], "not-the-secret")).get_caller_identity(), "SignatureDoesNotMatch", "bad signature")
    expect_client_error(lambda: boto_client("sts", base, key=("AKIAUNKNOWNKEY000001", "whatever-secret")).get_caller_identity(), "InvalidClientTokenId", "unknown access key")
    expect_client_error(
        lambda: boto_client("sts", base, key=(credentials["AccessKeyId"], credentials["SecretAccessKey"]), session_token="SAT1.forged").get_caller_identity(),
        "InvalidClientTokenId", "forged session token",
    )
    reports = boto_client("sts", base, key=REPORTS_KEY).assume_role(RoleArn=REPORTS_ROLE, RoleSessionName="reports")
    check(reports["AssumedRoleUser"]["Arn"].endswith(":assumed-role/reports/reports"), "reports-service assumes its own role")

    status, _, body = http("POST", base + "/", data=b"Action=GetCallerIdentity&Version=2011-06-15",
                           headers={"Content-Type": "application/x-www-form-urlencoded"})
    text = body.decode()
    check(status == 403 and "<Code>MissingAuthenticationToken</Code>" in text and "<Type>Sender</Type>" in text
          and "<ErrorResponse" in text and "<RequestId>" in text, "unsigned request → ErrorResponse XML")


def scenario_awscli(base):
    env = dict(os.environ, AWS_ACCESS_KEY_ID=ORDERS_KEY[0], AWS_SECRET_ACCESS_KEY=ORDERS_KEY[1], AWS_DEFAULT_REGION=REGION)
    env.pop("AWS_SESSION_TOKEN", None)
    env.pop("AWS_PROFILE", None)
    env["AWS_CONFIG_FILE"] = "/dev/null"
    env["AWS_SHARED_CREDENTIALS_FILE"] = "/dev/null"
    completed = subprocess.run(
        ["aws", "sts", "get-caller-identity", "--endpoint-url", base, "--output", "json"],
        capture_output=True, text=True, env=env, timeout=60,
    )
    check(completed.returncode == 0, "aws sts get-caller-identity exits 0: " + completed.stderr.strip()[-300:])
    check(json.loads(completed.stdout)["Arn"] == "arn:aws:iam::123456789012:user/orders-service", "aws cli caller ARN")


def scenario_rotation(base):
    before = json.loads(client_credentials(base, "gateway", "gateway-secret")[2])["access_token"]
    old_kid = json.loads(base64.urlsafe_b64decode(before.split(".")[0] + "=="))["kid"]
    status, _, _ = http("POST", f"{base}/local/rotate-keys", data=b"")
    check(status == 401, "rotation without the admin token is refused")
    admin = {"Authorization": "Bearer " + os.environ["IDP_ADMIN_TOKEN"]}
    status, _, body = http("POST", f"{base}/local/rotate-keys", data=b"", headers=admin)
    new_kid = json.loads(body)["kid"]
    check(status == 200 and new_kid != old_kid, "rotation returns a new kid")
    kids = [key["kid"] for key in jwks(base)["keys"]]
    check(new_kid in kids and old_kid in kids, "JWKS publishes both keys")
    after = json.loads(client_credentials(base, "gateway", "gateway-secret")[2])["access_token"]
    check(json.loads(base64.urlsafe_b64decode(after.split(".")[0] + "=="))["kid"] == new_kid, "new tokens carry the new kid")
    verify_pyjwt(before, base)
    verify_joserfc(before, base)
    ok("token signed with the old key still verifies")
    verify_pyjwt(after, base)
    ok("token signed with the new key verifies")


def scenario_discovery(base):
    status, _, body = http("GET", f"{base}/{POOL}/.well-known/openid-configuration")
    document = json.loads(body)
    check(status == 200 and document["issuer"] == f"{base}/{POOL}", "discovery issuer")
    check(document["jwks_uri"] == f"{base}/{POOL}/.well-known/jwks.json", "discovery jwks_uri")
    keys = jwks(base)["keys"]
    check(len(keys) >= 1 and all(k["kty"] == "RSA" and k["alg"] == "RS256" and k["kid"] for k in keys), "JWKS keys are RS256 with kid")


SCENARIOS = {
    "cognito": scenario_cognito,
    "oauth": scenario_oauth,
    "sts": scenario_sts,
    "awscli": scenario_awscli,
    "rotation": scenario_rotation,
    "discovery": scenario_discovery,
}

if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] not in SCENARIOS:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    SCENARIOS[sys.argv[1]](sys.argv[2].rstrip("/"))
    print("PASS " + sys.argv[1], flush=True)
