// Found in the library folder vendor/, as with jsonnet -J vendor.
local lite = import 'grafonnet-lite/main.libsonnet';
lite.service('web', 'Built with a vendored library.') + {
  alerts: [{
    name: 'WebDown', expr: 'up{job="web"} == 0', 'for': '5m', severity: 'page',
    summary: 'Web is down.', description: 'No target of job web is up.',
  }],
}
