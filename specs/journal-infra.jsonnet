// Trading journal — data stores (seed 003, RB-05, RB-06), written in Jsonnet to show how
// a team shares one definition across services.
local service(name, description) = {
  apiVersion: 'obsgen/v1',
  kind: 'Service',
  metadata: { name: name, team: 'infra', tier: 1, description: description, labels: { stack: 'data' } },
};

[
  service('postgres', 'Primary Postgres of the trading journal.') {
    // Seed 003, dashboard 4, written in Jsonnet.
    dashboards: [{ title: 'Infra', jsonnet: 'dashboards/infra.dashboard.jsonnet' }],
    alerts: [{
      name: 'PostgresBloatOrLocks',
      expr: 'pg_locks{mode!="AccessShareLock"} > 0 or (pg_stat_progress_vacuum{phase!=""} == 0 and pg_bloat_ratio > 0.3)',
      'for': '15m',
      severity: 'ticket',
      summary: 'Investigate locks or bloat on Postgres.',
      runbook: {
        impact: 'Queries slow down or block; imports and the outbox back up.',
        checks: ['pg_locks and long-running transactions.', 'Table size growth.'],
        actions: [
          'Cancel the offending queries.',
          'Run VACUUM (FULL) during low traffic.',
          'Ensure partition pruning on EventOutbox.',
        ],
        post_incident: ['Tune autovacuum; monthly partitions; proper indexes.'],
      },
      tests: [{
        name: 'an exclusive lock held for 15m opens a ticket',
        input_series: [
          { series: 'pg_locks{mode="ExclusiveLock",datname="journal"}', values: '0x10 3x30' },
        ],
        expect: [
          { at: '20m', firing: [] },
          { at: '30m', firing: [{ mode: 'ExclusiveLock', datname: 'journal' }] },
        ],
      }],
    }],
  },
  service('redis', 'Redis: queues and caches of the trading journal.') {
    alerts: [{
      name: 'RedisEvictions',
      expr: 'sum(rate(redis_evicted_keys_total[5m])) > 0',
      'for': '10m',
      severity: 'ticket',
      summary: 'Redis is evicting keys.',
      runbook: {
        impact: 'Queues pause; imports are temporarily degraded.',
        checks: ['redis_evictions_total and memory usage.'],
        actions: ['Increase maxmemory.', 'Enable allkeys-lru.', 'Scale vertically.', 'Purge stale caches.'],
      },
      tests: [{
        name: 'evictions for 10m open a ticket',
        input_series: [{ series: 'redis_evicted_keys_total', values: '0x10 0+5x30' }],
        expect: [{ at: '10m', firing: [] }, { at: '30m', firing: [{}] }],
      }],
    }],
  },
]
