// Seed 003, dashboard 4: the data stores of the trading journal, written in Jsonnet.
// obsgen sets the uid, title, tags, panel ids and the datasource variable; panels read it.
// Selectors name the journal's namespace and exporter jobs (see journal-infra.jsonnet).
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
local pg = 'namespace="journal",job="postgres"';
local redis = 'namespace="journal",job="redis"';
local minio = 'namespace="journal",job="minio"';

{
  schemaVersion: 41,
  time: { from: 'now-24h', to: 'now' },
  panels: [
    row('Postgres', 0),
    ts('Connections and locks', 0, 1, [
      ['sum by (state) (pg_connections{%s})' % pg, '{{state}}'],
      ['sum by (mode) (pg_locks{%s,mode!="AccessShareLock"})' % pg, 'locks {{mode}}'],
    ]),
    ts('Query time p95 and slow queries', 8, 1, [
      // The health map's "Postgres — p95 query time", as the Core's Prisma client sees it.
      ['histogram_quantile(0.95, sum by (le) (rate(prisma_client_queries_duration_histogram_ms_bucket{service="core"}[$__rate_interval])))', 'p95 ms'],
      ['sum(rate(pg_slow_queries_total{%s}[$__rate_interval]))' % pg, 'slow/s'],
    ]),
    ts('Bloat and deadlocks', 16, 1, [
      ['max by (relname) (pg_bloat_ratio{%s})' % pg, 'bloat {{relname}}'],
      ['sum(rate(pg_stat_database_deadlocks{%s}[$__rate_interval]))' % pg, 'deadlocks/s'],
    ]),
    row('Redis', 9),
    ts('Operations per second', 0, 10, [['sum(rate(redis_commands_processed_total{%s}[$__rate_interval]))' % redis, 'ops']], 'ops'),
    ts('Memory used', 8, 10, [['sum(redis_memory_used_bytes{%s})' % redis, 'used'], ['sum(redis_memory_max_bytes{%s})' % redis, 'max']], 'bytes'),
    ts('Evictions per second', 16, 10, [['sum(rate(redis_evicted_keys_total{%s}[$__rate_interval]))' % redis, 'evictions']], 'ops'),
    // Seed 003's "Redis health" query, scoped: the clients, and any instance that has evicted.
    ts('Connected clients (Redis health)', 0, 18, [
      ['redis_connected_clients{%s} or on() (redis_evicted_keys_total{%s} > 0)' % [redis, redis], '{{instance}}'],
    ]),
    row('S3', 26),
    ts('4xx / 5xx per second', 0, 27, [
      ['sum(rate(minio_s3_requests_4xx_errors_total{%s}[$__rate_interval]))' % minio, '4xx'],
      ['sum(rate(minio_s3_requests_5xx_errors_total{%s}[$__rate_interval]))' % minio, '5xx'],
    ], 'reqps'),
    ts('Availability', 8, 27, [
      ['1 - sum(rate(minio_s3_requests_5xx_errors_total{%s}[$__rate_interval])) / sum(rate(minio_s3_requests_total{%s}[$__rate_interval]))' % [minio, minio], 'availability'],
    ], 'percentunit'),
    ts('Time to first byte p95', 16, 27, [
      ['histogram_quantile(0.95, sum by (le) (rate(minio_s3_requests_ttfb_seconds_distribution{%s}[$__rate_interval])))' % minio, 'p95'],
    ], 's'),
  ],
}
