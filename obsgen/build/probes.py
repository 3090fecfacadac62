"""Synthetic probes: blackbox_exporter modules, scrape jobs, and the alerts on their results.

Pure. A probe's module is named by its content (`http_2f9c1e0a7b`), so probes that need the
same module share it and a name never changes unless the module does. Each probe gets its
own scrape job, `blackbox-<service>-<probe>`, whose `job` label selects the probe's series.

Alerts, with generated promtool tests:

- failing: every run of the last `failures` failed, or the exporter could not be scraped;
- slow (http with max_latency): every run of that window succeeded but took longer;
- certificate expiring (https): the earliest certificate expires within `certificate_expiry`.

Windows are `(failures - 0.5) × interval`: exactly `failures` samples whether the range is
closed (Prometheus 2) or left-open (Prometheus 3).
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Callable
from typing import Any

from obsgen import conventions, durations, model
from obsgen.durations import format_ms
from obsgen.matchers import render_series
from obsgen.spec.probes import ProbeSpec
from obsgen.spec.types import Severity

TICKET: Severity = "ticket"


def probe_selector(service: str, probe: str) -> str:
    return f'{{job="{conventions.probe_job(service, probe)}"}}'


def target(probe: ProbeSpec) -> str:
    if probe.http is not None:
        return probe.http.url
    if probe.tcp is not None:
        return probe.tcp.address
    if probe.dns is not None:
        return probe.dns.server
    if probe.icmp is not None:
        return probe.icmp.host
    assert probe.grpc is not None
    return probe.grpc.address


def module_body(probe: ProbeSpec) -> dict[str, Any]:
    """The blackbox_exporter module: only what differs from the exporter's defaults, plus
    the IP protocol (its default, ip6, fails in many containers)."""
    body: dict[str, Any] = {"preferred_ip_protocol": probe.ip_protocol}
    if probe.http is not None:
        h = probe.http
        body |= _given(method=h.method if h.method != "GET" else None,
                       headers=dict(sorted(h.headers.items())) or None, body=h.body or None,
                       valid_status_codes=h.valid_status_codes or None,
                       fail_if_body_matches_regexp=h.body_must_not_match or None,
                       fail_if_body_not_matches_regexp=h.body_must_match or None,
                       fail_if_not_ssl=h.tls_required or None,
                       follow_redirects=False if not h.follow_redirects else None)
        if h.auth is not None and h.auth.bearer_token_file is not None:
            body["authorization"] = {"type": "Bearer",
                                     "credentials_file": h.auth.bearer_token_file}
        elif h.auth is not None and h.auth.basic is not None:
            body["basic_auth"] = {"username": h.auth.basic.username,
                                  "password_file": h.auth.basic.password_file}
    elif probe.tcp is not None:
        steps = [{"send": s.send} if s.send is not None else {"expect": s.expect}
                 for s in probe.tcp.dialogue]
        body |= _given(tls=probe.tcp.tls or None, query_response=steps or None)
    elif probe.dns is not None:
        d = probe.dns
        body |= _given(query_name=d.name, query_type=d.type, transport_protocol=d.transport,
                       valid_rcodes=list(d.valid_rcodes),
                       validate_answer_rrs={"fail_if_none_matches_regexp": d.answer_must_match}
                       if d.answer_must_match else None)
    elif probe.grpc is not None:
        body |= _given(service=probe.grpc.service or None, tls=probe.grpc.tls or None)
    return {"prober": probe.kind, "timeout": probe.timeout, probe.kind: body}


def _given(**values: Any) -> dict[str, Any]:
    return {k: v for k, v in values.items() if v is not None}


def module_name(body: dict[str, Any]) -> str:
    digest = hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()
    return f"{body['prober']}_{digest[:10]}"


def build_probe(service: str, probe: ProbeSpec, extra: dict[str, str]) -> model.Probe:
    body = module_body(probe)
    labels = {**extra, **probe.labels, "service": service, "probe": probe.name}
    return model.Probe(
        service=service, name=probe.name, kind=probe.kind, target=target(probe),
        module_name=module_name(body), module=body, interval=probe.interval,
        scrape_timeout=format_ms(durations.parse_ms(probe.timeout) + 1000),
        labels=dict(sorted(labels.items())), job=conventions.probe_job(service, probe.name),
        description=probe.description,
    )


Links = Callable[[str], dict[str, str]]
"""An alert name -> its runbook annotations."""


def build_alerts(built: model.Probe, probe: ProbeSpec, base: dict[str, str],
                 runbook_links: Links, book: model.Runbook) -> list[model.Alert]:
    """The probe's alerts; `runbook_links(name)` gives each one's runbook annotations,
    `book` their runbook."""
    interval_ms = durations.parse_ms(probe.interval)
    window = format_ms(round((probe.failures - 0.5) * interval_ms))
    sel = probe_selector(built.service, built.name)
    what = f"{built.kind} probe {built.name} of {built.target}"
    series = dict(built.labels) | {"instance": built.target, "job": built.job}
    names = list(probe.alert_names(built.service))
    alerts = [_alert(
        names[0], probe, base, probe.severity, runbook_links, book,
        expr=f"max_over_time(probe_success{sel}[{window}]) == 0\n"
             f"or\nmax_over_time(up{sel}[{window}]) == 0",
        summary=f"{built.service}: {what} failed {probe.failures} times in a row.",
        description=f"Every run of the {what} in the last {window} failed, or "
                    "blackbox_exporter could not be scraped. {{ $labels.instance }}",
        tests=_consecutive_test(probe, interval_ms, series, {"probe_success": ("1", "0")}),
    )]
    if "ProbeSlow" in " ".join(names):
        assert probe.http is not None and probe.http.max_latency is not None
        limit = durations.parse_ms(probe.http.max_latency) / 1000
        alerts.append(_alert(
            names[1], probe, base, TICKET, runbook_links, book,
            expr=f"min_over_time(probe_duration_seconds{sel}[{window}]) > {limit:g}\n"
                 f"and\nmin_over_time(probe_success{sel}[{window}]) == 1",
            summary=f"{built.service}: {what} is slower than {probe.http.max_latency}.",
            description=f"Every run of the {what} in the last {window} succeeded but took "
                        f"over {probe.http.max_latency}. {{{{ $value | humanizeDuration }}}}",
            tests=_consecutive_test(probe, interval_ms, series, {
                "probe_duration_seconds": (f"{limit / 2:g}", f"{limit * 2:g}"),
                "probe_success": ("1", "1")}),
        ))
    if names[-1].endswith("CertificateExpiring"):
        alerts.append(_cert_alert(names[-1], probe, base, runbook_links, book, sel, what,
                                  series, interval_ms))
    return alerts


def _alert(name: str, probe: ProbeSpec, base: dict[str, str], severity: str,
           runbook_links: Links, book: model.Runbook, *, expr: str, summary: str,
           description: str,
           tests: tuple[model.AlertTest, ...], for_ms: int = 0) -> model.Alert:
    labels = {**base, **probe.labels, "probe": probe.name, "severity": severity}
    annotations = {"summary": summary, "description": description, **runbook_links(name)}
    return model.Alert(name=name, expr=expr, for_ms=for_ms, keep_firing_for_ms=None,
                       severity=severity, labels=dict(sorted(labels.items())),
                       annotations=dict(sorted(annotations.items())), runbook=book, tests=tests)


def _consecutive_test(probe: ProbeSpec, interval_ms: int, series: dict[str, str],
                      values: dict[str, tuple[str, str]]) -> tuple[model.AlertTest, ...]:
    """Good runs, then bad ones: quiet until the `failures`-th bad run, firing from it."""
    k, iv = probe.failures, interval_ms // 1000
    inputs = tuple((render_series(metric, series), f"{good}x9 {bad}x{k + 20}")
                   for metric, (good, bad) in sorted(values.items()))
    quiet = (8 + k) * iv // 60 * 60
    fires = math.ceil((9 + k) * iv / 60) * 60
    return (model.AlertTest(name=f"{k} bad runs in a row fire, {k - 1} do not", interval_s=iv,
                            input_series=inputs,
                            expect=((quiet, ()), (fires, (dict(sorted(series.items())),)))),)


def _cert_alert(name: str, probe: ProbeSpec, base: dict[str, str],
                runbook_links: Links, book: model.Runbook, sel: str,
                what: str, series: dict[str, str], interval_ms: int) -> model.Alert:
    notice_s = durations.parse_ms(probe.certificate_expiry) // 1000
    iv = interval_ms // 1000
    hold_s = 900
    quiet = 9 * iv // 60 * 60
    fires = math.ceil(10 * iv / 60) * 60 + hold_s
    count = fires // iv + 5
    values = f"{notice_s * 4}x9 {notice_s // 2}x{count}"
    test = model.AlertTest(
        name=f"a certificate expiring within {probe.certificate_expiry} fires after 15m",
        interval_s=iv,
        input_series=((render_series("probe_ssl_earliest_cert_expiry", series), values),),
        expect=((quiet, ()), (fires, (dict(sorted(series.items())),))))
    return _alert(
        name, probe, base, TICKET, runbook_links, book,
        expr=f"probe_ssl_earliest_cert_expiry{sel} - time() < {notice_s}",
        summary=f"{what}: the TLS certificate expires within {probe.certificate_expiry}.",
        description="The earliest certificate of the chain expires in "
                    "{{ $value | humanizeDuration }}.",
        tests=(test,), for_ms=hold_s * 1000)
