"""Spec v1: synthetic probes of a service, run by blackbox_exporter.

A probe becomes a blackbox_exporter module (deduplicated by content), a Prometheus scrape
job, alerts (failing for N consecutive runs, slower than its max latency, certificate
expiring) with generated tests, and can back an SLO (`sli: probe`).
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, model_validator

from obsgen import conventions, durations
from obsgen.spec.base import RunbookSpec, Spec
from obsgen.spec.routing_types import HostPort, absolute_file
from obsgen.spec.types import Duration, Labels, Severity, SLOName, fail

IpProtocol = Literal["ip4", "ip6"]
_URL = re.compile(r"^(https?)://[^/\s?#]+[^\s]*$")
_SECRET_HEADER = re.compile(r"authorization|cookie|token|secret|api[-_]?key|password", re.I)


def _url(value: str) -> str:
    if not _URL.match(value):
        raise fail(f"{value!r} is not an http(s) URL",
                   "write the scheme and host, e.g. https://journal.example.com/login")
    return value


def _header(value: str) -> str:
    if _SECRET_HEADER.search(value):
        raise fail(f"header {value!r} would put a credential in the repository",
                   "give the credential as a file under auth: (bearer_token_file, or basic "
                   "with password_file)")
    return value


def _regex(pattern: str) -> str:
    try:
        re.compile(pattern)
    except re.error as exc:
        raise fail(f"{pattern!r} is not a regular expression ({exc})",
                   "fix the pattern (RE2 syntax)") from None
    return pattern


ProbeUrl = Annotated[str, AfterValidator(_url)]
ProbeSecretFile = Annotated[str, absolute_file(
    "blackbox_exporter", "/etc/prometheus/blackbox-secrets/journal-probe-token")]
HeaderName = Annotated[str, AfterValidator(_header)]
Regex = Annotated[str, AfterValidator(_regex)]
StatusCode = Annotated[int, Field(ge=100, le=599)]


class BasicAuth(Spec):
    """HTTP basic authentication, the password read from a file on the exporter's host."""

    username: str = Field(min_length=1)
    """User name."""
    password_file: ProbeSecretFile
    """Absolute path of the file holding the password."""


class HttpAuth(Spec):
    """Credentials of an HTTP probe: exactly one of `bearer_token_file` and `basic`.
    blackbox_exporter reads them from files on its host at every run, so no secret is
    written in a spec or in the generated modules."""

    bearer_token_file: ProbeSecretFile | None = None
    """Absolute path of a file holding a token, sent as `Authorization: Bearer <token>`."""
    basic: BasicAuth | None = None
    """Basic authentication."""

    @model_validator(mode="after")
    def _one(self) -> HttpAuth:
        if (self.bearer_token_file is None) == (self.basic is None):
            raise fail("give exactly one of 'bearer_token_file' and 'basic'",
                       "a probe authenticates one way")
        return self


class HttpProbe(Spec):
    """An HTTP request and what the response must look like."""

    url: ProbeUrl
    """The URL to request, with its scheme, e.g. https://journal.example.com/login."""
    method: Literal["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] = "GET"
    """HTTP method."""
    headers: dict[HeaderName, str] = {}
    """Request headers (no credentials: they would be committed; use `auth`)."""
    auth: HttpAuth | None = None
    """Credentials, read from files on the exporter's host."""
    body: str = ""
    """Request body."""
    valid_status_codes: list[StatusCode] = []
    """Accepted status codes; empty: any 2xx."""
    body_must_match: list[Regex] = []
    """Regular expressions the response body must match."""
    body_must_not_match: list[Regex] = []
    """Regular expressions the response body must not match."""
    tls_required: bool = False
    """Fail unless the final response came over TLS."""
    follow_redirects: bool = True
    """Follow redirects."""
    max_latency: Duration | None = None
    """Alert when every run over the failure window takes longer than this."""


class DialogueStep(Spec):
    """One step of a TCP dialogue: send a line, or expect one matching a pattern."""

    send: str | None = None
    """Text to send."""
    expect: Regex | None = None
    """Regular expression the next line must match."""

    @model_validator(mode="after")
    def _one(self) -> DialogueStep:
        if (self.send is None) == (self.expect is None):
            raise fail("give exactly one of 'send' and 'expect'", "one action per step")
        return self


class TcpProbe(Spec):
    """A TCP connection, optionally over TLS and with a dialogue."""

    address: HostPort
    """host:port to connect to."""
    tls: bool = False
    """Connect with TLS."""
    dialogue: list[DialogueStep] = []
    """Lines to send and expect, in order."""


class DnsProbe(Spec):
    """A DNS query and what the answer must hold."""

    name: str = Field(min_length=1)
    """The name to resolve, e.g. journal.example.com."""
    type: Literal["A", "AAAA", "CNAME", "MX", "NS", "PTR", "SOA", "SRV", "TXT"] = "A"
    """Record type."""
    server: HostPort
    """The DNS server to ask, host:port, e.g. 1.1.1.1:53."""
    transport: Literal["udp", "tcp"] = "udp"
    """Transport protocol."""
    valid_rcodes: list[Literal["NOERROR", "NXDOMAIN", "SERVFAIL", "REFUSED"]] = ["NOERROR"]
    """Accepted response codes."""
    answer_must_match: list[Regex] = []
    """Regular expressions some answer record must match, e.g. 'IN\\tA\\t10\\.'."""


class IcmpProbe(Spec):
    """An ICMP echo (ping); blackbox_exporter needs CAP_NET_RAW for it."""

    host: str = Field(min_length=1, pattern=r"^[A-Za-z0-9.:\-\[\]]+$")
    """Host name or address."""


class GrpcProbe(Spec):
    """A gRPC health check (grpc.health.v1)."""

    address: HostPort
    """host:port of the server."""
    service: str = ""
    """The service to ask about; empty: the server as a whole."""
    tls: bool = False
    """Connect with TLS."""


ProbeKind = Literal["http", "tcp", "dns", "icmp", "grpc"]
PROBE_KINDS: tuple[ProbeKind, ...] = ("http", "tcp", "dns", "icmp", "grpc")


class ProbeSpec(Spec):
    """A synthetic probe: exactly one of http, tcp, dns, icmp, grpc."""

    name: SLOName
    """Probe name, unique within the service: the `probe` label."""
    description: str = ""
    """What the probe proves works."""
    http: HttpProbe | None = None
    """Request a URL."""
    tcp: TcpProbe | None = None
    """Open a TCP connection."""
    dns: DnsProbe | None = None
    """Resolve a name."""
    icmp: IcmpProbe | None = None
    """Ping a host."""
    grpc: GrpcProbe | None = None
    """Ask a gRPC health service."""
    interval: Duration = "30s"
    """Time between two runs (the scrape interval)."""
    timeout: Duration = "10s"
    """A run slower than this fails; at least 1s below the interval."""
    ip_protocol: IpProtocol = "ip4"
    """IP version to use (blackbox_exporter's own default, ip6, fails in many containers)."""
    labels: Labels = {}
    """Extra labels on the probe's series and alerts."""
    failures: int = Field(default=3, ge=1, le=100)
    """Consecutive failed runs before the failing alert fires."""
    severity: Severity = "page"
    """Severity of the failing alert (slowness and certificate alerts are tickets)."""
    certificate_expiry: Duration = "14d"
    """https probes: alert when the certificate expires within this."""
    runbook: RunbookSpec = RunbookSpec()
    """Runbook content for this probe's alerts."""

    @model_validator(mode="after")
    def _checks(self) -> ProbeSpec:
        given = [k for k in PROBE_KINDS if getattr(self, k) is not None]
        if len(given) != 1:
            raise fail(f"give exactly one probe kind, got {len(given)}"
                       + (f" ({', '.join(given)})" if given else ""),
                       f"choose one of {', '.join(PROBE_KINDS)}")
        return self

    @property
    def kind(self) -> ProbeKind:
        return next(k for k in PROBE_KINDS if getattr(self, k) is not None)

    def alert_names(self, service: str) -> tuple[str, ...]:
        """The alerts the probe yields: failing always, slow with http max_latency,
        certificate expiry for https."""
        suffixes = ["ProbeFailing"]
        if self.http is not None and self.http.max_latency:
            suffixes.append("ProbeSlow")
        if self.http is not None and self.http.url.startswith("https://"):
            suffixes.append("CertificateExpiring")
        return tuple(conventions.probe_alert_name(service, self.name, s) for s in suffixes)

    def timing_problem(self) -> tuple[str, str] | None:
        """(field, message) when the timeout does not fit the interval."""
        interval, timeout = durations.parse_ms(self.interval), durations.parse_ms(self.timeout)
        if timeout + 1000 > interval:
            return ("timeout", f"timeout {self.timeout} leaves less than 1s before the next run "
                               f"(interval {self.interval})")
        if interval < 5000:
            return ("interval", f"interval {self.interval} is below 5s")
        return None
