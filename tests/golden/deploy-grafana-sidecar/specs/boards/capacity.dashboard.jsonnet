{
  panels: [
    {
      type: 'timeseries',
      title: 'CPU',
      gridPos: { x: 0, y: 0, w: 24, h: 8 },
      datasource: { type: 'prometheus', uid: '${datasource}' },
      targets: [{ refId: 'A', expr: 'sum by (pod) (rate(container_cpu_usage_seconds_total{namespace="shop"}[$__rate_interval]))', legendFormat: '{{pod}}' }],
    },
  ],
}
