"""`make e2e`: the generated configuration delivering for real (issue 18, part 2).

Debian's Prometheus, Alertmanager and blackbox_exporter run what obsgen compiled from a spec
set (tests/e2e/specs/) on loopback ports chosen by the OS: the rules (each group evaluated
every second), the probe jobs and modules, the routing tree, inhibitions and time intervals.
A synthetic exporter serves gauges that turn 1 during an incident, and a local site the probes
request starts failing; local receivers (`sinks`) record what Alertmanager sends.
`verify` compares it with the generated routes table, rules and runbooks. Modules:
`scenario` (the incident and the expectations), `stack` (the configs the tools run),
`sinks`, `verify`, `run` (one run), `__main__` (the command line).
"""
