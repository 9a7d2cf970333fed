#!/usr/bin/env python3
"""S3 smoke test with the standard library only (SigV4 by hand, path-style), for the gateway that
scripts/lib/ceph.sh starts. Reads DOWNSTREAM_TEST_S3_ENDPOINT, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and
DOWNSTREAM_TEST_S3_REGION. Checks: create bucket, PUT, HEAD, GET with Range, list, copy, multipart upload
(3 parts of 5 MiB), a presigned GET fetched with curl, other signing regions, DELETE. Exits non-zero on failure.

    python3 scripts/lib/s3-smoke.py
"""
import datetime
import hashlib
import hmac
import http.client
import os
import subprocess
import sys
import time
import urllib.parse
import uuid
import xml.etree.ElementTree as ET

ENDPOINT = os.environ["DOWNSTREAM_TEST_S3_ENDPOINT"]
KEY = os.environ["AWS_ACCESS_KEY_ID"]
SECRET = os.environ["AWS_SECRET_ACCESS_KEY"]
REGION = os.environ.get("DOWNSTREAM_TEST_S3_REGION", "us-east-1")
URL = urllib.parse.urlsplit(ENDPOINT)
HOST = URL.netloc
NS = "{http://s3.amazonaws.com/doc/2006-03-01/}"
UNSIGNED = "UNSIGNED-PAYLOAD"


def q(value, safe="-_.~"):
    return urllib.parse.quote(value, safe=safe)


def canonical_query(query):
    return "&".join(f"{q(k)}={q(v)}" for k, v in sorted(query.items()))


def signing_key(date, region):
    k = hmac.new(("AWS4" + SECRET).encode(), date.encode(), hashlib.sha256).digest()
    for part in (region, "s3", "aws4_request"):
        k = hmac.new(k, part.encode(), hashlib.sha256).digest()
    return k


def signature(method, path, query, headers, payload_hash, amz_date, region):
    names = sorted(h.lower() for h in headers)
    lower = {k.lower(): str(v).strip() for k, v in headers.items()}
    canonical = "\n".join([
        method,
        q(path, safe="/-_.~"),
        canonical_query(query),
        "".join(f"{n}:{lower[n]}\n" for n in names),
        ";".join(names),
        payload_hash,
    ])
    scope = f"{amz_date[:8]}/{region}/s3/aws4_request"
    to_sign = "\n".join(["AWS4-HMAC-SHA256", amz_date, scope, hashlib.sha256(canonical.encode()).hexdigest()])
    sig = hmac.new(signing_key(amz_date[:8], region), to_sign.encode(), hashlib.sha256).hexdigest()
    return scope, ";".join(names), sig


def request(method, path, query=None, body=b"", headers=None, region=REGION, unsigned_payload=False):
    query = query or {}
    amz_date = datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    payload_hash = UNSIGNED if unsigned_payload else hashlib.sha256(body).hexdigest()
    h = {"host": HOST, "x-amz-date": amz_date, "x-amz-content-sha256": payload_hash}
    h.update(headers or {})
    scope, signed, sig = signature(method, path, query, h, payload_hash, amz_date, region)
    h["Authorization"] = f"AWS4-HMAC-SHA256 Credential={KEY}/{scope}, SignedHeaders={signed}, Signature={sig}"
    target = q(path, safe="/-_.~") + ("?" + canonical_query(query) if query else "")
    conn = http.client.HTTPConnection(URL.hostname, URL.port, timeout=60)
    try:
        conn.request(method, target, body=body, headers={k: v for k, v in h.items() if k != "host"})
        response = conn.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        conn.close()


def presign(path, expires=300):
    amz_date = datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    scope = f"{amz_date[:8]}/{REGION}/s3/aws4_request"
    query = {
        "X-Amz-Algorithm": "AWS4-HMAC-SHA256",
        "X-Amz-Credential": f"{KEY}/{scope}",
        "X-Amz-Date": amz_date,
        "X-Amz-Expires": str(expires),
        "X-Amz-SignedHeaders": "host",
    }
    _, _, sig = signature("GET", path, query, {"host": HOST}, UNSIGNED, amz_date, REGION)
    query["X-Amz-Signature"] = sig
    return f"{ENDPOINT}{q(path, safe='/-_.~')}?{canonical_query(query)}"


failures = []


def check(name, condition, detail=""):
    print(("ok   " if condition else "FAIL ") + name + (f"  ({detail})" if detail and not condition else ""))
    if not condition:
        failures.append(name)


def main():
    started = time.monotonic()
    bucket = f"smoke-{uuid.uuid4().hex[:12]}"
    data = os.urandom(1 << 20)  # 1 MiB

    s, _, b = request("PUT", f"/{bucket}")
    check("create bucket (path-style, no LocationConstraint)", s == 200, f"{s} {b[:200]!r}")
    s, h, b = request("PUT", f"/{bucket}/dir/a b+c.bin", body=data, headers={"content-type": "application/octet-stream"})
    check("PUT object (signed payload, key with space and plus)", s == 200 and "etag" in h, f"{s} {b[:200]!r}")
    etag = h.get("etag", "").strip('"')
    check("ETag is the MD5", etag == hashlib.md5(data).hexdigest(), etag)
    s, h, _ = request("HEAD", f"/{bucket}/dir/a b+c.bin")
    check("HEAD", s == 200 and h.get("content-length") == str(len(data)) and h.get("content-type") == "application/octet-stream", f"{s} {h}")
    s, h, b = request("GET", f"/{bucket}/dir/a b+c.bin", headers={"range": "bytes=1000-1999"})
    check("GET with Range", s == 206 and b == data[1000:2000] and h.get("content-range") == f"bytes 1000-1999/{len(data)}", f"{s} {h.get('content-range')}")
    s, h, b = request("GET", f"/{bucket}/dir/a b+c.bin", headers={"range": f"bytes={len(data) - 10}-"})
    check("GET with an open Range", s == 206 and b == data[-10:], f"{s}")
    s, _, b = request("GET", f"/{bucket}/dir/a b+c.bin", unsigned_payload=True)
    check("GET with UNSIGNED-PAYLOAD", s == 200 and b == data, f"{s}")
    s, _, b = request("PUT", f"/{bucket}/copy.bin", headers={"x-amz-copy-source": f"/{bucket}/{q('dir/a b+c.bin', safe='/')}"})
    check("server-side copy", s == 200 and b"CopyObjectResult" in b, f"{s} {b[:200]!r}")

    # Multipart: 3 parts of 5 MiB, sent with UNSIGNED-PAYLOAD as the AWS SDKs may do.
    part_size = 5 << 20
    big = os.urandom(3 * part_size)
    t = time.monotonic()
    s, _, b = request("POST", f"/{bucket}/big.bin", query={"uploads": ""})
    upload_id = ET.fromstring(b).findtext(f"{NS}UploadId") if s == 200 else None
    check("multipart: initiate", bool(upload_id), f"{s} {b[:200]!r}")
    parts = []
    for n in range(3):
        s, h, b = request("PUT", f"/{bucket}/big.bin", query={"partNumber": str(n + 1), "uploadId": upload_id or ""},
                          body=big[n * part_size:(n + 1) * part_size], unsigned_payload=(n == 1))
        check(f"multipart: part {n + 1}", s == 200, f"{s} {b[:200]!r}")
        parts.append(h.get("etag", ""))
    complete = "<CompleteMultipartUpload>" + "".join(
        f"<Part><PartNumber>{i + 1}</PartNumber><ETag>{e}</ETag></Part>" for i, e in enumerate(parts)) + "</CompleteMultipartUpload>"
    s, _, b = request("POST", f"/{bucket}/big.bin", query={"uploadId": upload_id or ""}, body=complete.encode())
    check("multipart: complete", s == 200 and b"CompleteMultipartUploadResult" in b, f"{s} {b[:300]!r}")
    s, h, b = request("GET", f"/{bucket}/big.bin")
    check("multipart: GET back 15 MiB", s == 200 and hashlib.sha256(b).digest() == hashlib.sha256(big).digest(), f"{s} {len(b)}")
    check("multipart: ETag ends in -3", h.get("etag", "").strip('"').endswith("-3"), h.get("etag", ""))
    multipart_seconds = time.monotonic() - t
    s, _, b = request("POST", f"/{bucket}/aborted.bin", query={"uploads": ""})
    aborted = ET.fromstring(b).findtext(f"{NS}UploadId") if s == 200 else ""
    s, _, _ = request("DELETE", f"/{bucket}/aborted.bin", query={"uploadId": aborted})
    check("multipart: abort", s == 204, f"{s}")

    s, _, b = request("GET", f"/{bucket}", query={"list-type": "2", "prefix": "dir/"})
    keys = [k.text for k in ET.fromstring(b).iter(f"{NS}Key")] if s == 200 else []
    check("ListObjectsV2 with prefix", keys == ["dir/a b+c.bin"], f"{s} {keys}")

    url = presign(f"/{bucket}/dir/a b+c.bin")
    got = subprocess.run(["curl", "-fsS", "-m", "30", url], capture_output=True)
    check("presigned GET with curl", got.returncode == 0 and got.stdout == data, got.stderr.decode()[:200])
    got = subprocess.run(["curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}", "-m", "30", url.replace("X-Amz-Signature=", "X-Amz-Signature=0")], capture_output=True)
    check("presigned GET with a wrong signature is refused", got.stdout == b"403", got.stdout.decode())

    # Which signing regions does the gateway accept? (It signs with the region in the request's scope.)
    for other in ("us-west-2", "default"):
        s, _, _ = request("HEAD", f"/{bucket}/copy.bin", region=other)
        print(f"info SigV4 scope region {other!r}: HTTP {s}")
    for constraint in ("us-east-1", "default", "eu-west-1"):
        name = f"{bucket}-{constraint}"
        s, _, b = request("PUT", f"/{name}", body=f"<CreateBucketConfiguration><LocationConstraint>{constraint}</LocationConstraint></CreateBucketConfiguration>".encode())
        code = ET.fromstring(b).findtext("Code") if b.startswith(b"<?xml") and s != 200 else ""
        print(f"info create bucket with LocationConstraint {constraint!r}: HTTP {s} {code}")
        if s == 200:
            request("DELETE", f"/{name}")

    anonymous = subprocess.run(["curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}", "-m", "10", f"{ENDPOINT}/{bucket}/copy.bin"], capture_output=True)
    check("anonymous GET is refused", anonymous.stdout == b"403", anonymous.stdout.decode())

    for key in ("dir/a b+c.bin", "copy.bin", "big.bin"):
        s, _, _ = request("DELETE", f"/{bucket}/{key}")
        check(f"DELETE {key}", s == 204, f"{s}")
    s, _, _ = request("HEAD", f"/{bucket}/big.bin")
    check("HEAD after DELETE is 404", s == 404, f"{s}")
    s, _, b = request("DELETE", f"/{bucket}")
    check("DELETE bucket", s == 204, f"{s} {b[:200]!r}")

    print(f"info multipart 15 MiB round trip: {multipart_seconds:.2f} s; whole smoke test: {time.monotonic() - started:.2f} s")
    if failures:
        print(f"{len(failures)} check(s) failed: {', '.join(failures)}")
        return 1
    print("all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
