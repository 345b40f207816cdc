"""No crash, no hang: an endpoint that is not an AWS emulator, a bad port, an --out that cannot be written are one
located line and exit 1, within 10 s, before anything is applied. No emulator is needed to see them."""

from __future__ import annotations

import http.server
import socket
import threading
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]  # the repository: the sample project


@pytest.fixture
def here(monkeypatch):
    monkeypatch.chdir(ROOT)


@pytest.fixture(params=["a page", "an error page"])
def web_page(request):
    """An HTTP server that answers every request with a web page, or with its own error page (501, many lines)."""

    class Page(http.server.BaseHTTPRequestHandler):
        def answer(self):
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            self.wfile.write(b"<!DOCTYPE html>\n<html>\n  <body>\n    hello\n  </body>\n</html>\n")

        do_GET = do_POST = answer

        def log_message(self, *args):
            pass

    class NoPost(http.server.BaseHTTPRequestHandler):  # POST: the server's own multi-line error page
        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Page if request.param == "a page" else NoPost)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def silent():
    """A port that accepts connections and never answers."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"


@pytest.fixture
def nobody() -> str:
    """A port nobody listens on (bound, then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{s.getsockname()[1]}"


def one_error(err: str) -> str:
    assert "Traceback" not in err
    lines = err.splitlines()
    [line] = [e for e in lines if ": error: " in e]
    assert lines[lines.index(line) :] == [line, "1 problem(s) found"], lines  # one cause, one line, whatever it quotes
    return line


def timed(command, *argv: str) -> tuple[int, str, float]:
    started = time.monotonic()
    status, _, err = command(*argv)
    return status, err, time.monotonic() - started


@pytest.mark.parametrize("verb", [("up", "--local"), ("verify",), ("access", "--check")])
def test_a_port_out_of_range_is_a_located_error(verb, here, command, tmp_path):
    status, err, _ = timed(command, *verb, "--env", "local", "--endpoint", "http://127.0.0.1:99999", *(("--out", str(tmp_path / "m")) if verb[0] == "up" else ()))
    assert status == 1
    assert one_error(err) == "--endpoint:1: error: endpoint 'http://127.0.0.1:99999': the port is not a number from 1 to 65535"


def test_an_http_server_that_is_not_an_emulator_is_refused_within_10_s(web_page, here, command, tmp_path):
    status, err, seconds = timed(command, "up", "--local", "--env", "local", "--endpoint", web_page, "--out", str(tmp_path / "m"))
    assert status == 1 and seconds < 10
    assert one_error(err).startswith(f"--endpoint:1: error: {web_page} answers, but not as an AWS emulator (STS GetCallerIdentity: ")
    assert not (tmp_path / "m").exists()


def test_an_endpoint_that_never_answers_is_refused_within_10_s(silent, here, command):
    status, err, seconds = timed(command, "verify", "--env", "local", "--endpoint", silent)
    assert status == 1 and seconds < 10
    assert one_error(err) == f"--endpoint:1: error: {silent} accepted a connection but did not answer within 4 s: not an AWS emulator"


def test_a_port_nobody_listens_on_is_said_so(nobody, here, command):
    status, err, seconds = timed(command, "access", "--env", "local", "--check", "--endpoint", nobody)
    assert status == 1 and seconds < 10
    assert one_error(err) == f"--endpoint:1: error: nothing answers at {nobody} (start an emulator with `meshplane up --local --serve`)"


def test_an_unwritable_out_is_refused_before_the_emulator_is_asked_anything(nobody, here, command, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder\n")
    status, err, _ = timed(command, "up", "--local", "--env", "local", "--endpoint", nobody, "--out", str(blocker / "manifests"))
    assert status == 1  # the endpoint (nobody there) is not reached: --out is checked first
    assert one_error(err) == f"--out:1: error: cannot write the manifests to {blocker / 'manifests'} (and the state beside it): {blocker} is not a folder"


def test_an_endpoint_from_the_stack_file_is_refused_at_its_line(nobody, project, command, monkeypatch):
    stack = project / "stacks/Pulumi.local.yaml"
    text = stack.read_text().replace("http://127.0.0.1:5000", nobody)
    stack.write_text(text)
    line = next(n for n, row in enumerate(text.splitlines(), 1) if "meshplane:awsEndpoint" in row)
    monkeypatch.chdir(project)
    status, err, _ = timed(command, "verify", "--env", "local")
    assert status == 1
    assert one_error(err) == f"stacks/Pulumi.local.yaml:{line}: error: nothing answers at {nobody} (start an emulator with `meshplane up --local --serve`)"


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs Linux's /proc, where nobody may create a file")
def test_a_folder_nobody_may_write_into_is_refused_even_for_root(nobody, here, command):
    status, err, _ = timed(command, "up", "--local", "--env", "local", "--endpoint", nobody, "--out", "/proc/meshplane/manifests")
    assert status == 1
    assert one_error(err).startswith("--out:1: error: cannot write the manifests to /proc/meshplane/manifests (and the state beside it): /proc is not writable (")
