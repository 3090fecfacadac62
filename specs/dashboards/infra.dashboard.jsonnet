// Seed 003, dashboard 4: the data stores of the trading journal, written in Jsonnet.
// obsgen sets the uid, title, tags, panel ids and the datasource variable; panels read it.
local ds = { type: 'prometheus', uid: '${datasource}' };
local ts(title, x, y, exprs, unit='short') = {
  type: 'timeseries',
  title: title,
  datasource: ds,
  gridPos: { x: x, y: y, w: 8, h: 8 },
  fieldConfig: { defaults: { unit: unit }, overrides: [] },
  targets: [
    { refId: std.char(65 + i), expr: exprs[i][0], legendFormat: exprs[i][1] }
    for i in std.range(0, std.length(exprs) - 1)
  ],
};
local row(title, y) = { type: 'row', title: title, collapsed: false, panels: [], gridPos: { x: 0, y: y, w: 24, h: 1 } };

{
  schemaVersion: 41,
  time: { from: 'now-24h', to: 'now' },
  panels: [
    row('Postgres', 0),
    ts('Connections', 0, 1, [['sum by (state) (pg_stat_activity_count)', '{{state}}']]),
    ts('Slow queries per second', 8, 1, [['sum(rate(pg_slow_queries_total[$__rate_interval]))', 'slow']], 'ops'),
    ts('Bloat and deadlocks', 16, 1, [
      ['max by (relname) (pg_bloat_ratio)', 'bloat {{relname}}'],
      ['sum(rate(pg_stat_database_deadlocks[$__rate_interval]))', 'deadlocks/s'],
    ]),
    row('Redis', 9),
    ts('Operations per second', 0, 10, [['sum(rate(redis_commands_processed_total[$__rate_interval]))', 'ops']], 'ops'),
    ts('Memory used', 8, 10, [['sum(redis_memory_used_bytes)', 'used'], ['sum(redis_memory_max_bytes)', 'max']], 'bytes'),
    ts('Evictions per second', 16, 10, [['sum(rate(redis_evicted_keys_total[$__rate_interval]))', 'evictions']], 'ops'),
    row('S3', 18),
    ts('4xx / 5xx per second', 0, 19, [['sum by (code) (rate(s3_requests_total{code=~"4..|5.."}[$__rate_interval]))', '{{code}}']], 'reqps'),
    ts('Request latency p95', 8, 19, [['histogram_quantile(0.95, sum by (le) (rate(s3_request_duration_seconds_bucket[$__rate_interval])))', 'p95']], 's'),
  ],
}
