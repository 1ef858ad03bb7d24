#!/usr/bin/env python3
"""Real SigV4 clients against the Swift verifier (driven by SigV4InteropTests.swift).

Modes:
  sigv4_clients.py send CONFIG_JSON
      CONFIG_JSON: {"std": BASE_URL, "s3": BASE_URL, "region": ..., "long": {"akid","secret"},
                    "temp": {"akid","secret","token"}}
      Signs requests with botocore (SigV4Auth, SigV4QueryAuth) and curl --aws-sigv4, sends
      them (and tampered variants) to the loopback servers, and prints one JSON array of
      {"name","status","code","expected_status","expected_code"}.
  sigv4_clients.py compare
      Reads a JSON array of requests on stdin and prints botocore's signatures for them.
"""
import datetime
import http.client
import json
import os
import subprocess
import sys
import urllib.parse
from unittest import mock

import botocore.auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials


def quote(text):
    return urllib.parse.quote(text, safe="-_.~")


def query(pairs):
    return "&".join(f"{quote(k)}={quote(v)}" for k, v in pairs)


def send_raw(base, method, target, headers, body):
    if os.environ.get("SIGV4_DEBUG"):
        print(method, target, headers, body, file=sys.stderr, flush=True)
    parts = urllib.parse.urlsplit(base)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    conn.putrequest(method, target, skip_host=True, skip_accept_encoding=True)
    sent_host = False
    for name, value in headers:
        if name.lower() == "host":
            sent_host = True
        conn.putheader(name, value)
    if not sent_host:
        conn.putheader("Host", parts.netloc)
    data = body or b""
    if data or method in ("POST", "PUT"):
        if not any(n.lower() == "content-length" for n, _ in headers):
            conn.putheader("Content-Length", str(len(data)))
    conn.endheaders(data if data else None)
    response = conn.getresponse()
    payload = response.read()
    conn.close()
    code = None
    try:
        code = json.loads(payload).get("error")
    except Exception:
        pass
    return response.status, code


def botocore_sign(base, method, path, pairs, headers, body, creds, region, service, presign=False, expires=300):
    url = base + path + (("?" + query(pairs)) if pairs else "")
    request = AWSRequest(method=method, url=url, headers=dict(headers), data=body)
    if presign:
        botocore.auth.SigV4QueryAuth(creds, service, region, expires=expires).add_auth(request)
    elif service == "s3":
        # S3's signer: path as given (no normalisation, no double encoding).
        botocore.auth.S3SigV4Auth(creds, service, region).add_auth(request)
    else:
        botocore.auth.SigV4Auth(creds, service, region).add_auth(request)
    prepared = request.prepare()
    split = urllib.parse.urlsplit(prepared.url)
    target = split.path + (("?" + split.query) if split.query else "")
    return target, list(prepared.headers.items()), prepared.body or b""


def replace_header(headers, name, fn):
    return [(n, fn(v) if n.lower() == name.lower() else v) for n, v in headers]


def run_send(config):
    region = config["region"]
    long = Credentials(config["long"]["akid"], config["long"]["secret"])
    temp = Credentials(config["temp"]["akid"], config["temp"]["secret"], config["temp"]["token"])
    std, s3 = config["std"], config["s3"]
    results = []

    def record(name, status_code, expected_status, expected_code):
        status, code = status_code
        results.append({"name": name, "status": status, "code": code,
                        "expected_status": expected_status, "expected_code": expected_code})

    awkward = [
        ("b", "2"), ("a", "x y"), ("a", "1"), ("emoji", "\u2603\U0001F600"), ("caf\u00e9", "cr\u00e8me"),
        ("reserved", "!*'();:@&=+$,/?#[]"), ("empty", ""), ("tilde~", "-_.~"),
    ]
    json_body = json.dumps({"item": "caf\u00e9", "quantity": 3, "note": "a \"quoted\" value"}).encode()
    json_headers = [("Content-Type", "application/json")]
    paths = ["/items/42", "/items/with%20space/and%2Bplus", "/caf%C3%A9/%E2%98%83", "/a/./b/../c//d", "/x%2Fy"]

    # --- botocore, header form: accepted ---
    for creds_name, creds in (("long", long), ("temp", temp)):
        for index, path in enumerate(paths):
            t, h, b = botocore_sign(std, "GET", path, awkward, [], None, creds, region, "execute-api")
            # botocore signs "/a/./b/../c//d" as "/a/c/d": valid, but the server would route the
            # raw path, so a non-S3 verifier refuses paths that are not in normal form.
            normal = "/./" not in path and "/../" not in path and "//" not in path
            record(f"botocore-{creds_name}-get-path{index}", send_raw(std, "GET", t, h, b),
                   200 if normal else 401, None if normal else "SignatureDoesNotMatch")
            t, h, b = botocore_sign(s3, "GET", path, awkward, [], None, creds, region, "s3")
            record(f"botocore-{creds_name}-s3-get-path{index}", send_raw(s3, "GET", t, h, b), 200, None)
        t, h, b = botocore_sign(std, "POST", "/orders", [("dry run", "yes")], json_headers, json_body, creds, region, "execute-api")
        record(f"botocore-{creds_name}-post-json", send_raw(std, "POST", t, h, b), 200, None)

    # --- botocore, query form (presigned): accepted ---
    for creds_name, creds in (("long", long), ("temp", temp)):
        t, h, b = botocore_sign(std, "GET", "/items/42", [("q", "a b"), ("caf\u00e9", "\u2603")], [], None, creds, region, "execute-api", presign=True)
        record(f"botocore-query-{creds_name}", send_raw(std, "GET", t, h, b), 200, None)

    # --- botocore, tampered after signing: rejected ---
    t, h, b = botocore_sign(std, "POST", "/orders", [("a", "1")], json_headers, json_body, long, region, "execute-api")
    record("tamper-body", send_raw(std, "POST", t, h, b.replace(b"3", b"4")), 401, "SignatureDoesNotMatch")
    record("tamper-query", send_raw(std, "POST", t.replace("a=1", "a=2"), h, b), 401, "SignatureDoesNotMatch")
    record("tamper-path", send_raw(std, "POST", t.replace("/orders", "/orders2"), h, b), 401, "SignatureDoesNotMatch")
    record("tamper-signed-header", send_raw(std, "POST", t, replace_header(h, "Content-Type", lambda v: "text/plain"), b), 401, "SignatureDoesNotMatch")
    record("tamper-date-1s", send_raw(std, "POST", t, replace_header(h, "X-Amz-Date", lambda v: v[:-3] + ("%02d" % ((int(v[-3:-1]) + 1) % 60)) + "Z"), b), 401, "SignatureDoesNotMatch")
    record("tamper-date-1h", send_raw(std, "POST", t, replace_header(h, "X-Amz-Date", lambda v: v[:9] + ("%02d" % ((int(v[9:11]) + 1) % 24)) + v[11:]), b), 401, "RequestTimeTooSkewed")
    record("tamper-scope-region", send_raw(std, "POST", t, replace_header(h, "Authorization", lambda v: v.replace("/" + region + "/", "/eu-west-3/")), b), 401, "SignatureDoesNotMatch")
    record("tamper-scope-service", send_raw(std, "POST", t, replace_header(h, "Authorization", lambda v: v.replace("/execute-api/", "/lambda/")), b), 401, "SignatureDoesNotMatch")
    record("tamper-signature", send_raw(std, "POST", t, replace_header(h, "Authorization", lambda v: v[:-1] + ("0" if v[-1] != "0" else "1")), b), 401, "SignatureDoesNotMatch")
    record("tamper-malformed", send_raw(std, "POST", t, replace_header(h, "Authorization", lambda v: v.replace("SignedHeaders=", "Signed=")), b), 401, "IncompleteSignature")
    record("no-signature", send_raw(std, "GET", "/items/42", [], None), 401, "MissingAuthenticationToken")
    t, h, b = botocore_sign(std, "GET", "/items/1", [], [], None, temp, region, "execute-api")
    record("tamper-session-token", send_raw(std, "GET", t, replace_header(h, "X-Amz-Security-Token", lambda v: v + "x"), b), 401, "InvalidClientTokenId")
    unknown = Credentials("AKIAUNKNOWNKEY000000", "whatever")
    t, h, b = botocore_sign(std, "GET", "/items/1", [], [], None, unknown, region, "execute-api")
    record("unknown-key", send_raw(std, "GET", t, h, b), 401, "InvalidClientTokenId")
    wrong = Credentials(config["long"]["akid"], "wrong-secret")
    t, h, b = botocore_sign(std, "GET", "/items/1", [], [], None, wrong, region, "execute-api")
    record("wrong-secret", send_raw(std, "GET", t, h, b), 401, "SignatureDoesNotMatch")
    t, h, b = botocore_sign(std, "GET", "/items/42", [("q", "1")], [], None, long, region, "execute-api", presign=True)
    record("tamper-presigned-query", send_raw(std, "GET", t.replace("q=1", "q=2"), h, b), 401, "SignatureDoesNotMatch")
    record("tamper-presigned-expires", send_raw(std, "GET", t.replace("X-Amz-Expires=300", "X-Amz-Expires=604801"), h, b), 401, "RequestExpired")

    # --- curl --aws-sigv4 ---
    def curl(name, base, method, target, service, akid, secret, token=None, body=None, headers=(), expected=(200, None), provider_region=None):
        args = ["curl", "-sS", "-o", "-", "-w", "\n%{http_code}", "-X", method, "--globoff",
                "--aws-sigv4", f"aws:amz:{provider_region or region}:{service}", "--user", f"{akid}:{secret}"]
        if token:
            args += ["-H", f"x-amz-security-token: {token}"]
        for header in headers:
            args += ["-H", header]
        if body is not None:
            args += ["--data-binary", body]
        args.append(base + target)
        out = subprocess.run(args, capture_output=True, text=True, timeout=30)
        text, _, status = out.stdout.rpartition("\n")
        code = None
        try:
            code = json.loads(text).get("error")
        except Exception:
            pass
        record(name, (int(status) if status.isdigit() else 0, code), expected[0], expected[1])

    la, ls = config["long"]["akid"], config["long"]["secret"]
    ta, ts, tt = config["temp"]["akid"], config["temp"]["secret"], config["temp"]["token"]
    # curl 7.88 signs the query in the order given: send it sorted and canonically encoded.
    sorted_query = "?" + query(sorted(awkward, key=lambda kv: (quote(kv[0]), quote(kv[1]))))
    curl("curl-get", std, "GET", "/items/42", "execute-api", la, ls)
    curl("curl-get-sorted-awkward-query", std, "GET", "/items/42" + sorted_query, "execute-api", la, ls)
    curl("curl-get-session-token", std, "GET", "/items/42?a=1&b=2", "execute-api", ta, ts, token=tt)
    curl("curl-post-json", std, "POST", "/orders", "execute-api", la, ls, body=json_body.decode(),
         headers=["Content-Type: application/json"])
    curl("curl-post-json-session-token", std, "POST", "/orders", "execute-api", ta, ts, token=tt, body=json_body.decode(),
         headers=["Content-Type: application/json"])
    curl("curl-s3-space-unicode-path", s3, "GET", "/with%20space/caf%C3%A9" + sorted_query, "s3", la, ls)
    curl("curl-wrong-secret", std, "GET", "/items/42", "execute-api", la, "wrong", expected=(401, "SignatureDoesNotMatch"))
    curl("curl-wrong-region", std, "GET", "/items/42", "execute-api", la, ls, provider_region="eu-west-3",
         expected=(401, "SignatureDoesNotMatch"))
    curl("curl-unknown-key", std, "GET", "/items/42", "execute-api", "AKIAUNKNOWNKEY000000", ls,
         expected=(401, "InvalidClientTokenId"))
    curl("curl-unsorted-query", std, "GET", "/items/42?b=2&a=1", "execute-api", la, ls,
         expected=(401, "SignatureDoesNotMatch"))
    curl("curl-bad-token", std, "GET", "/items/42", "execute-api", ta, ts, token=tt + "x",
         expected=(401, "InvalidClientTokenId"))

    print(json.dumps(results))


def run_compare():
    requests = json.load(sys.stdin)
    out = []
    for item in requests:
        creds = Credentials(item["akid"], item["secret"], item.get("token"))
        stamp = datetime.datetime.strptime(item["timestamp"], "%Y%m%dT%H%M%SZ")
        body = item.get("body")
        request = AWSRequest(method=item["method"], url=item["url"], headers=item.get("headers", {}),
                             data=body.encode() if body is not None else None)
        with mock.patch("botocore.auth.get_current_datetime", return_value=stamp):
            if item.get("presign"):
                auth = botocore.auth.SigV4QueryAuth(creds, item["service"], item["region"], expires=item.get("expires", 300))
            elif item.get("s3"):
                auth = botocore.auth.S3SigV4Auth(creds, item["service"], item["region"])
            else:
                auth = botocore.auth.SigV4Auth(creds, item["service"], item["region"])
            auth.add_auth(request)
        prepared = request.prepare()
        if item.get("presign"):
            params = urllib.parse.parse_qs(urllib.parse.urlsplit(prepared.url).query)
            signature = params["X-Amz-Signature"][0]
        else:
            signature = prepared.headers["Authorization"].rsplit("Signature=", 1)[1]
        out.append({"signature": signature, "authorization": prepared.headers.get("Authorization"), "url": prepared.url})
    print(json.dumps(out))


if __name__ == "__main__":
    if sys.argv[1] == "send":
        run_send(json.loads(sys.argv[2]))
    elif sys.argv[1] == "compare":
        run_compare()
    else:
        sys.exit("usage: sigv4_clients.py send CONFIG_JSON | compare")
