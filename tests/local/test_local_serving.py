"""The emulator's HTTP server: a client's connection is kept between calls (moto's own server closed it after each,
a third of a call's CPU on both sides), each answer is whole with its length so the next request follows it on the
same connection, and stopping the emulator ends the connections clients keep.
"""

from __future__ import annotations

import http.client
import threading
from urllib.parse import urlparse

import pytest

from meshplane.local.emulator import Emulator
from meshplane.local.serving import Dispatcher

STS = "AWS4-HMAC-SHA256 Credential=test/20261207/us-east-1/sts/aws4_request, SignedHeaders=host, Signature=0"
S3 = "AWS4-HMAC-SHA256 Credential=test/20261207/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=0"
FORM = {"Content-Type": "application/x-www-form-urlencoded", "Authorization": STS}
IDENTITY = "Action=GetCallerIdentity&Version=2011-06-15"


def connection(endpoint: str) -> http.client.HTTPConnection:
    parsed = urlparse(endpoint)
    return http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=10)


def call(conn: http.client.HTTPConnection, method: str, path: str, body=None, headers=None) -> http.client.HTTPResponse:
    conn.request(method, path, body=body, headers=headers or {})
    response = conn.getresponse()
    response.body = response.read()
    return response


def test_one_connection_serves_every_call_of_a_client(endpoint):
    conn = connection(endpoint)
    sockets, answers = set(), []
    for _ in range(3):
        answer = call(conn, "POST", "/", IDENTITY, FORM)
        sockets.add(id(conn.sock))
        answers.append((answer.status, answer.getheader("Connection"), answer.will_close, b"<Account>123456789012</Account>" in answer.body))
    assert answers == [(200, None, False, True)] * 3
    assert len(sockets) == 1 and conn.sock is not None  # moto's own server answered `Connection: close`: a socket per call
    conn.close()


def test_a_chunked_body_a_head_and_an_error_leave_the_connection_in_step(endpoint, admin):
    admin("s3").create_bucket(Bucket="kept-alive")
    conn = connection(endpoint)
    conn.putrequest("PUT", "/kept-alive/rows.csv")
    for name, value in {"Authorization": S3, "Transfer-Encoding": "chunked", "Expect": "100-continue"}.items():
        conn.putheader(name, value)
    conn.endheaders()
    for chunk in (b"id,name\n", b"1,a\n" * 1000, b""):
        conn.send(b"%x\r\n%s\r\n" % (len(chunk), chunk))
    put = conn.getresponse()
    put.read()
    head = call(conn, "HEAD", "/kept-alive/rows.csv", headers={"Authorization": S3})  # its length is the object's, with no body
    missing = call(conn, "GET", "/kept-alive/nothing-here", headers={"Authorization": S3})
    got = call(conn, "GET", "/kept-alive/rows.csv", headers={"Authorization": S3})
    assert (put.status, head.status, head.getheader("Content-Length"), head.body) == (200, 200, str(8 + 4000), b"")
    assert missing.status == 404 and b"NoSuchKey" in missing.body
    assert (got.status, got.body) == (200, b"id,name\n" + b"1,a\n" * 1000)
    assert not got.will_close
    conn.close()


def test_a_body_shorter_than_its_length_is_refused_and_the_connection_closed(endpoint):
    parsed = urlparse(endpoint)
    import socket

    with socket.create_connection((parsed.hostname, parsed.port), timeout=10) as raw:
        raw.sendall(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\nContent-Type: application/x-www-form-urlencoded\r\n\r\nAction=Get")
        raw.shutdown(socket.SHUT_WR)
        answer = b""
        while chunk := raw.recv(65536):
            answer += chunk
    assert answer.startswith(b"HTTP/1.1 400 ") and b"Connection: close" in answer and b"ended after 10 of 100 bytes" in answer


def test_stopping_the_emulator_ends_the_connections_clients_keep():
    emulator = Emulator()
    conn = connection(emulator.start())
    assert call(conn, "POST", "/", IDENTITY, FORM).status == 200  # a kept connection, its thread waiting for the next request
    stopping = threading.Thread(target=emulator.stop)
    stopping.start()
    stopping.join(10)
    assert not stopping.is_alive(), "stop waited for a client to close its connection"
    with pytest.raises((http.client.HTTPException, OSError)):
        call(conn, "POST", "/", IDENTITY, FORM)  # never answered by a stopped emulator


def test_the_dispatcher_finds_each_hosts_backend_once_as_moto_does(monkeypatch):
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication

    hosts = ["s3.eu-west-1.amazonaws.com", "sts.us-east-1.amazonaws.com", "s3control", "moto_api", "tagging.eu-west-1.amazonaws.com", None]
    dispatcher, moto = Dispatcher(), DomainDispatcherApplication(lambda service: None)
    asked: list = []
    found = DomainDispatcherApplication.get_backend_for_host
    monkeypatch.setattr(DomainDispatcherApplication, "get_backend_for_host", lambda self, host: asked.append(host) or found(self, host))
    assert [dispatcher.get_backend_for_host(h) for h in hosts * 2] == [found(moto, h) for h in hosts] * 2
    assert asked == hosts  # the second round from what the first found


def test_the_mark_of_changes_moves_with_a_write_and_not_with_a_read(endpoint, admin):
    from meshplane.local.emulator import changes_mark

    admin("s3").create_bucket(Bucket="marked")
    before = changes_mark(endpoint)
    admin("s3").get_bucket_versioning(Bucket="marked")
    admin("iam").list_roles()
    admin("kms").list_keys()
    assert changes_mark(endpoint) == before  # reads, in three protocols
    admin("s3").put_bucket_versioning(Bucket="marked", VersioningConfiguration={"Status": "Enabled"})
    after = changes_mark(endpoint)
    assert after is not None and after != before
    admin("kms").create_key()
    assert changes_mark(endpoint) != after


def test_a_change_names_its_count_in_its_answer_and_a_read_does_not(endpoint, admin):
    from meshplane.local.emulator import changes_mark

    s3 = admin("s3")
    put = s3.create_bucket(Bucket="counted")["ResponseMetadata"]["HTTPHeaders"]
    read = s3.get_bucket_versioning(Bucket="counted")["ResponseMetadata"]["HTTPHeaders"]
    assert changes_mark(endpoint).endswith(f"-{put['x-meshplane-change']}") and "x-meshplane-change" not in read


def test_moto_reads_a_query_body_of_any_type_and_the_mark_sees_it(endpoint):
    from meshplane.local.emulator import changes_mark

    before = changes_mark(endpoint)
    conn = connection(endpoint)
    answer = call(conn, "GET", "/", "Action=CreateRole&RoleName=sneaked&AssumeRolePolicyDocument=%7B%7D&Version=2010-05-08",
                  {"Content-Type": "text/plain", "Authorization": STS.replace("/sts/", "/iam/")})  # fmt: skip
    assert answer.status == 200 and b"<CreateRoleResult>" in answer.body  # moto created a role
    assert changes_mark(endpoint) != before


def test_an_emulator_that_keeps_no_mark_has_none(tmp_path):
    import http.server

    from meshplane.local.emulator import changes_mark

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), http.server.SimpleHTTPRequestHandler)  # answers 404
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        assert changes_mark(f"http://127.0.0.1:{server.server_address[1]}") is None
    finally:
        server.shutdown()
    with Emulator() as emulator:
        first = changes_mark(emulator.endpoint)
    with Emulator() as emulator:
        assert changes_mark(emulator.endpoint) == first  # moto's state is the process's: so is its count
    assert changes_mark(emulator.endpoint) is None  # stopped: nothing answers
