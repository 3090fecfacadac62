"""Local receivers that speak each notification API well enough to record what arrives.

One HTTP server takes every HTTP integration; the harness gives each receiver its own path
prefix, `/<kind>/<receiver>/`, through its secret file (Slack, webhook `url_file`, Teams) or
its endpoint field (PagerDuty `url`, Opsgenie and Telegram `api_url`, an inline webhook `url`,
SNS `api_url`). Credentials Alertmanager sends (PagerDuty routing key, Opsgenie key, Telegram
bot token, SNS access key) are compared with what the harness wrote in the secret file: a
mismatch is recorded as a problem, so a broken secret fails the run. Email arrives through an
aiosmtpd SMTP server; the recipient address says which receiver it was sent for.
"""

from __future__ import annotations

import email
import email.policy
import html
import http.server
import json
import re
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from typing import Any

from aiosmtpd.controller import Controller

SNS_REPLY = (
    '<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishResult>'
    "<MessageId>e2e</MessageId></PublishResult><ResponseMetadata><RequestId>e2e</RequestId>"
    "</ResponseMetadata></PublishResponse>"
)


@dataclass(frozen=True)
class Message:
    """One notification as a receiver saw it. `labels`/`annotations` are exact for the
    formats that carry them as data (webhook JSON), else None and `text` holds the rendering."""

    receiver: str
    kind: str
    status: str
    text: str
    at: float
    labels: tuple[dict[str, str], ...] | None = None
    annotations: tuple[dict[str, str], ...] | None = None
    problem: str = ""


@dataclass
class Inbox:
    """Every message received, in arrival order; `credentials` are the secrets the harness
    wrote, {receiver: value}, that Alertmanager must send back."""

    credentials: dict[str, str] = field(default_factory=dict)
    opened: dict[str, str] = field(default_factory=dict)
    """Opsgenie: {alias: text of the alert created}; a close names only the alias."""
    messages: list[Message] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, message: Message) -> None:
        with self.lock:
            self.messages.append(message)

    def snapshot(self) -> list[Message]:
        with self.lock:
            return list(self.messages)

    def credential(self, receiver: str, sent: str, what: str) -> str:
        expected = self.credentials.get(receiver)
        if expected is None or sent == expected:
            return ""
        return f"{what} {sent!r} is not the one in {receiver}'s secret file ({expected!r})"


def _text(value: Any) -> str:
    """Every string inside a JSON value, one per line."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        return "\n".join(_text(v) for v in value.values())
    if isinstance(value, list):
        return "\n".join(_text(v) for v in value)
    return str(value)


def _webhook(inbox: Inbox, receiver: str, kind: str, body: bytes) -> Message:
    data = json.loads(body)
    alerts = data.get("alerts", [])
    return Message(receiver, kind, data.get("status", "?"), _text(data), time.time(),
                   tuple(a.get("labels", {}) for a in alerts),
                   tuple(a.get("annotations", {}) for a in alerts))


def _slack(inbox: Inbox, receiver: str, body: bytes) -> Message:
    data = json.loads(body)
    text = _text(data)
    status = "resolved" if text.startswith("[RESOLVED") or "\n[RESOLVED" in text else "firing"
    return Message(receiver, "slack", status, text, time.time())


def _pagerduty(inbox: Inbox, receiver: str, body: bytes) -> Message:
    data = json.loads(body)
    action = data.get("event_action")
    status = {"trigger": "firing", "resolve": "resolved"}.get(action, f"? ({action})")
    problem = inbox.credential(receiver, data.get("routing_key", ""), "routing_key")
    return Message(receiver, "pagerduty", status, _text(data), time.time(), problem=problem)


def _opsgenie(inbox: Inbox, receiver: str, rest: str, auth: str, body: bytes) -> Message:
    data = json.loads(body) if body else {}
    path = rest.partition("?")[0].rstrip("/")
    problem = inbox.credential(receiver, auth.removeprefix("GenieKey "), "API key")
    if path.endswith("/close"):
        alias = path.removeprefix("v2/alerts/").removesuffix("/close")
        opened = inbox.opened.get(alias)
        problem = problem or ("" if opened else f"close of alias {alias}, never created")
        return Message(receiver, "opsgenie", "resolved", f"close of:\n{opened}", time.time(),
                       problem=problem)
    text = _text(data)
    inbox.opened[str(data.get("alias"))] = text
    return Message(receiver, "opsgenie", "firing", text, time.time(), problem=problem)


def _telegram(inbox: Inbox, receiver: str, rest: str, body: bytes,
              content_type: str) -> Message:
    token, _, method = rest.removeprefix("bot").partition("/")
    if "json" in content_type:
        data = json.loads(body)
    else:
        data = {k: v[0] for k, v in urllib.parse.parse_qs(body.decode()).items()}
    text = str(data.get("text", ""))
    status = "firing" if "Alerts Firing" in text else "resolved"
    problem = inbox.credential(receiver, token, "bot token")
    if method != "sendMessage":
        problem = problem or f"Telegram method {method!r}, not sendMessage"
    return Message(receiver, "telegram", status, text, time.time(), problem=problem)


def _sns(inbox: Inbox, receiver: str, auth: str, body: bytes) -> Message:
    form = {k: v[0] for k, v in urllib.parse.parse_qs(body.decode()).items()}
    text = form.get("Message", "")
    status = "resolved" if text.startswith("RESOLVED") else "firing"
    found = re.search(r"Credential=([^/]+)/", auth)
    problem = inbox.credential(receiver, found[1] if found else "(unsigned)", "access key")
    if form.get("Action") != "Publish" or not form.get("PhoneNumber"):
        problem = problem or f"SNS request {form} is not a Publish to a phone number"
    return Message(receiver, "sns", status, f"{form.get('PhoneNumber')}\n{text}", time.time(),
                   problem=problem)


class HTTPSinks:
    """`with HTTPSinks(inbox) as sinks:` every HTTP receiver, at `sinks.url(kind, name)`."""

    def __init__(self, inbox: Inbox) -> None:
        self.inbox = inbox
        self._server: http.server.ThreadingHTTPServer | None = None

    def url(self, kind: str, receiver: str) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}/{kind}/{receiver}/"

    def __enter__(self) -> HTTPSinks:
        inbox = self.inbox

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                _, kind, receiver, rest = [*self.path.split("/", 3), "", ""][:4]
                reply, ctype = b'{"ok": true}', "application/json"
                try:
                    message = self._message(kind, receiver, rest, body)
                    if kind == "telegram":
                        reply = json.dumps({"ok": True, "result": {
                            "message_id": len(inbox.messages) + 1, "date": int(time.time()),
                            "chat": {"id": -1, "type": "supergroup"},
                            "text": message.text}}).encode()
                    elif kind == "sns":
                        reply, ctype = SNS_REPLY.encode(), "text/xml"
                except (ValueError, KeyError) as exc:
                    message = Message(receiver, kind, "?", body.decode(errors="replace"),
                                      time.time(), problem=f"unreadable request: {exc}")
                inbox.add(message)
                self.send_response(202 if kind in ("pagerduty", "opsgenie") else 200)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)

            def _message(self, kind: str, receiver: str, rest: str, body: bytes) -> Message:
                auth = self.headers.get("Authorization", "")
                if kind == "slack":
                    return _slack(inbox, receiver, body)
                if kind == "pagerduty":
                    return _pagerduty(inbox, receiver, body)
                if kind == "opsgenie":
                    return _opsgenie(inbox, receiver, rest, auth, body)
                if kind == "telegram":
                    return _telegram(inbox, receiver, rest, body,
                                     self.headers.get("Content-Type", ""))
                if kind == "sns":
                    return _sns(inbox, receiver, auth, body)
                return _webhook(inbox, receiver, kind, body)

            def log_message(self, *args: Any) -> None:
                pass

        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()


class _MailHandler:
    def __init__(self, inbox: Inbox, addresses: dict[str, str]) -> None:
        self.inbox, self.addresses = inbox, addresses

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        mail = email.message_from_bytes(envelope.content, policy=email.policy.default)
        subject = str(mail.get("Subject", ""))
        parts = [p.get_content() for p in mail.walk() if p.get_content_maintype() == "text"]
        body = html.unescape(re.sub(r"<[^>]+>", " ", "\n".join(parts)))
        status = "resolved" if subject.startswith("[RESOLVED") else "firing"
        for rcpt in envelope.rcpt_tos:
            receiver = self.addresses.get(rcpt.lower())
            problem = "" if receiver else f"mail to {rcpt}, which no email receiver names"
            self.inbox.add(Message(receiver or rcpt, "email", status, f"{subject}\n{body}",
                                   time.time(), problem=problem))
        return "250 OK"


class SMTPSink:
    """`with SMTPSink(inbox, {address: receiver}, port) as smtp:` an SMTP server on
    127.0.0.1:port recording each mail once per recipient."""

    def __init__(self, inbox: Inbox, addresses: dict[str, str], port: int) -> None:
        self.port = port
        self._controller = Controller(_MailHandler(inbox, addresses), hostname="127.0.0.1",
                                      port=port)

    def __enter__(self) -> SMTPSink:
        self._controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._controller.stop()
