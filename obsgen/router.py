"""Alertmanager's dispatcher, re-implemented over the model's route tree.

`deliver` walks the tree exactly as Alertmanager does (`dispatch/route.go`): depth first, a
matching child stops the search unless it has `continue`, and a node none of whose children
match is itself the match; receivers are inherited. The build checks use it to reject an
alert that would reach only the default receiver, the Alertmanager target writes the routes
test table from it, the runbooks name who is notified, and a property test holds it against
`amtool config routes test`.
"""

from __future__ import annotations

from collections.abc import Mapping

from obsgen import matchers as m
from obsgen.model import RouteNode


def matched(node: RouteNode, labels: Mapping[str, str]) -> list[tuple[RouteNode, str]]:
    """The routes an alert with `labels` is delivered through, with their receivers."""
    return _match(node, labels, node.receiver or "")


def _match(
    node: RouteNode, labels: Mapping[str, str], inherited: str
) -> list[tuple[RouteNode, str]]:
    if not m.all_match(node.matchers, labels):
        return []
    receiver = node.receiver or inherited
    found: list[tuple[RouteNode, str]] = []
    for child in node.routes:
        hits = _match(child, labels, receiver)
        found += hits
        if hits and not child.continue_:
            break
    return found or [(node, receiver)]


def deliver(node: RouteNode, labels: Mapping[str, str]) -> list[str]:
    """Receiver names in the order Alertmanager notifies them (what amtool prints)."""
    return [receiver for _, receiver in matched(node, labels)]
