"""A minimal Language Server Protocol client over stdio, for testing the JSON Schema in the real
`yaml-language-server` (JSON-RPC 2.0 with Content-Length framing, LSP 3.17).

Every wait is bounded: a reader thread moves messages into a queue and each read has a
deadline, so a server that hangs or dies fails the test instead of blocking it.
"""

from __future__ import annotations

import json
import os
import queue
import shutil
import subprocess
import threading
import time
from pathlib import Path
from typing import Any

from tests.paths import ROOT

# Installed by .ci/run into the project, as .ci/node's lock file pins it.
PINNED = ROOT / ".ci" / "node" / "package.json"
SERVER_VERSION = json.loads(PINNED.read_text())["dependencies"]["yaml-language-server"]
NODE_PREFIX = ROOT / ".cache" / "node"
SERVER_DIR = NODE_PREFIX / "node_modules" / "yaml-language-server"
SERVER_JS = SERVER_DIR / "bin" / "yaml-language-server"
INSTALL = (
    "mkdir -p .cache/node && cp .ci/node/package*.json .cache/node/ && npm ci --prefix .cache/node"
)

# yaml-language-server's settings (the `yaml` section VS Code's extension sends).
YAML_SETTINGS = {"validate": True, "hover": True, "completion": True, "format": {"enable": False}}


class ServerError(AssertionError):
    """The server did not answer in time, answered with an error, or exited."""


class LanguageServer:
    def __init__(self, node: str, server: Path, *, timeout: float = 20.0) -> None:
        self.timeout = timeout
        self._next_id = 0
        self._messages: queue.Queue[dict | None] = queue.Queue()
        self._notifications: list[dict] = []
        self._stderr: list[str] = []
        self._process = subprocess.Popen(
            [node, str(server), "--stdio"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env={**os.environ, "NODE_NO_WARNINGS": "1"},
        )
        threading.Thread(target=self._read, daemon=True).start()
        threading.Thread(target=self._drain_stderr, daemon=True).start()

    # ------------------------------------------------------------------ transport

    def _read(self) -> None:
        stream = self._process.stdout
        assert stream is not None
        try:
            while True:
                length = None
                while True:  # headers, up to the blank line
                    line = stream.readline()
                    if not line:
                        return
                    if line in (b"\r\n", b"\n"):
                        break
                    name, _, value = line.decode("ascii").partition(":")
                    if name.strip().lower() == "content-length":
                        length = int(value)
                if length is None:
                    continue
                self._messages.put(json.loads(stream.read(length)))
        finally:
            self._messages.put(None)  # end of stream: wake any reader

    def _drain_stderr(self) -> None:
        assert self._process.stderr is not None
        for line in self._process.stderr:
            self._stderr.append(line.decode("utf-8", "replace"))

    def _send(self, message: dict) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode()
        stdin = self._process.stdin
        assert stdin is not None
        try:
            stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
            stdin.flush()
        except (BrokenPipeError, OSError) as exc:
            raise ServerError(f"the server exited: {exc}; stderr: {self.stderr()}") from None

    def stderr(self) -> str:
        return "".join(self._stderr[-20:])

    def _next(self, deadline: float, waiting_for: str) -> dict:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise ServerError(f"no {waiting_for} within {self.timeout}s; stderr: {self.stderr()}")
        try:
            message = self._messages.get(timeout=remaining)
        except queue.Empty:
            raise ServerError(
                f"no {waiting_for} within {self.timeout}s; stderr: {self.stderr()}"
            ) from None
        if message is None:
            self._messages.put(None)
            raise ServerError(f"the server exited before {waiting_for}; stderr: {self.stderr()}")
        if "method" in message and "id" in message:  # a request from the server
            self._answer(message)
            return self._next(deadline, waiting_for)
        return message

    def _answer(self, request: dict) -> None:
        result: Any = None
        if request["method"] == "workspace/configuration":
            result = [
                YAML_SETTINGS if item.get("section") == "yaml" else None
                for item in request["params"]["items"]
            ]
        self._send({"id": request["id"], "result": result})

    # ------------------------------------------------------------------ protocol

    def request(self, method: str, params: dict) -> Any:
        self._next_id += 1
        self._send({"id": self._next_id, "method": method, "params": params})
        deadline = time.monotonic() + self.timeout
        while True:
            message = self._next(deadline, f"answer to {method}")
            if message.get("id") == self._next_id:
                if "error" in message:
                    raise ServerError(f"{method}: {message['error']}")
                return message.get("result")
            self._notifications.append(message)

    def notify(self, method: str, params: dict) -> None:
        self._send({"method": method, "params": params})

    def diagnostics(self, uri: str, *, until) -> list[dict]:
        """The diagnostics the server publishes for `uri`: the first set `until` accepts."""
        deadline = time.monotonic() + self.timeout
        seen: list[list[dict]] = []
        while True:
            for message in self._notifications:
                if message.get("method") == "textDocument/publishDiagnostics":
                    params = message["params"]
                    if params["uri"] == uri:
                        seen.append(params["diagnostics"])
                        if until(params["diagnostics"]):
                            self._notifications.clear()
                            return params["diagnostics"]
            self._notifications.clear()
            try:
                self._notifications.append(self._next(deadline, "diagnostics"))
            except ServerError as exc:
                raise ServerError(f"{exc}; diagnostics seen: {seen}") from None

    def start(self, root: Path) -> dict:
        capabilities = {
            "textDocument": {
                "hover": {"contentFormat": ["markdown", "plaintext"]},
                "completion": {"completionItem": {"snippetSupport": False}},
                "publishDiagnostics": {},
            },
            "workspace": {"configuration": True},
        }
        result = self.request(
            "initialize",
            {
                "processId": os.getpid(),
                "rootUri": root.as_uri(),
                "capabilities": capabilities,
                "initializationOptions": {},
            },
        )
        self.notify("initialized", {})
        self.notify("workspace/didChangeConfiguration", {"settings": {"yaml": YAML_SETTINGS}})
        return result

    def open(self, path: Path, text: str) -> str:
        uri = path.as_uri()
        self.notify(
            "textDocument/didOpen",
            {"textDocument": {"uri": uri, "languageId": "yaml", "version": 1, "text": text}},
        )
        return uri

    def change(self, uri: str, text: str, version: int) -> None:
        """Replace the whole text of an open document."""
        self.notify(
            "textDocument/didChange",
            {
                "textDocument": {"uri": uri, "version": version},
                "contentChanges": [{"text": text}],
            },
        )

    def close(self) -> None:
        """Shut down politely, then kill: the process never outlives the test."""
        try:
            if self._process.poll() is None:
                self.request("shutdown", {})
                self.notify("exit", {})
                self._process.wait(timeout=5)
        except (ServerError, subprocess.TimeoutExpired):
            pass
        finally:
            if self._process.poll() is None:
                self._process.kill()
                self._process.wait(timeout=5)
            for stream in (self._process.stdin, self._process.stdout, self._process.stderr):
                if stream is not None:
                    stream.close()


def position(text: str, marker: str, offset: int = 0) -> dict:
    """The LSP position (0-based line and UTF-16 character) of `marker` in `text`, + offset."""
    index = text.index(marker) + offset
    before = text[:index]
    line = before.count("\n")
    column = before[before.rfind("\n") + 1 :]
    return {"line": line, "character": len(column.encode("utf-16-le")) // 2}


def install(timeout: float = 600) -> str | None:
    """Install the pinned server into .cache/node (what .ci/run does) for a test run that
    starts without it; None when done, else why not (no npm, no registry, ...)."""
    npm = shutil.which("npm")
    if npm is None:
        return "npm is not installed"
    cache = NODE_PREFIX
    cache.mkdir(parents=True, exist_ok=True)
    for name in ("package.json", "package-lock.json"):
        shutil.copy(ROOT / ".ci" / "node" / name, cache / name)
    try:
        done = subprocess.run(
            [npm, "ci", "--prefix", str(cache), "--no-audit", "--no-fund", "--loglevel=error"],
            capture_output=True, text=True, timeout=timeout, check=False,
        )  # fmt: skip
    except subprocess.TimeoutExpired:
        return f"`npm ci` took more than {timeout:g} s"
    if done.returncode != 0:
        lines = done.stderr.strip().splitlines()
        return lines[-1] if lines else f"`npm ci` exited with {done.returncode}"
    return None


def find_node() -> str | None:
    return shutil.which("node")


def installed_version() -> str | None:
    """The version of the server in .cache/node, None when it is not there."""
    try:
        return json.loads((SERVER_DIR / "package.json").read_text())["version"]
    except (OSError, ValueError, KeyError):
        return None
