// Trading journal — data stores (seed 003, RB-05, RB-06), written in Jsonnet to show how
// a team shares one definition across services.
// assumption: the journal's exporters run in Kubernetes namespace `journal`, scraped by jobs
// postgres, redis and minio. The trading platform's exporters use the same job names, so every
// selector names the namespace as well as the job.
local scope(job) = 'namespace="journal",job="%s"' % job;
local pg = scope('postgres');
local redis = scope('redis');

local service(name, description) = {
  apiVersion: 'obsgen/v1',
  kind: 'Service',
  metadata: { name: name, team: 'infra', tier: 1, description: description, labels: { stack: 'data' } },
};

// An exporter that stops answering hides its store: a ticket after 5m (obsgen's default).
local scraped(job) = { scrape_jobs: [{ job: job, selector: '{namespace="journal"}' }] };

[
  service('postgres', 'Primary Postgres of the trading journal.') + scraped('postgres') {
    // Seed 003's names (pg_connections, pg_locks, the alert's vacuum and bloat series):
    // postgres_exporter with the team's queries file.
    metrics: [
      { name: 'pg_connections', type: 'gauge', labels: ['datname', 'state'], help: 'Client connections by state.' },
      { name: 'pg_locks', type: 'gauge', labels: ['datname', 'mode'], help: 'Locks held, by mode.' },
      { name: 'pg_stat_progress_vacuum', type: 'gauge', labels: ['datname', 'relname', 'phase'], help: 'Running vacuums, by table and phase.' },
      { name: 'pg_bloat_ratio', type: 'gauge', labels: ['datname', 'relname'], help: 'Dead space of a table (pgstattuple), 0 to 1.' },
      { name: 'pg_slow_queries_total', type: 'counter', labels: ['datname'], help: 'Statements slower than log_min_duration_statement.' },
      { name: 'pg_stat_database_deadlocks', type: 'counter', labels: ['datname'], help: 'Deadlocks detected.' },
      // Seed 003, "Backups: Postgres: base backup nightly + WAL", "RPO 15m". postgres_exporter's
      // archiver age; assumption: the nightly backup job records its last success as a gauge.
      { name: 'pg_stat_archiver_last_archive_age', type: 'gauge', help: 'Seconds since the last WAL segment was archived.' },
      { name: 'pg_backup_last_success_timestamp_seconds', type: 'gauge', help: 'Unix time the latest nightly base backup completed.' },
    ],
    // Seed 003, dashboard 4, written in Jsonnet.
    dashboards: [{ title: 'Infra', jsonnet: 'dashboards/infra.dashboard.jsonnet' }],
    alerts: [{
      name: 'PostgresBloatOrLocks',
      // Seed 003's alert, scoped, with two corrections. Its `mode!="AccessShareLock"` also takes
      // RowShareLock and RowExclusiveLock, which every SELECT FOR UPDATE and every write holds:
      // the ticket would be open all day. And its `vacuum == 0 and bloat > 0.3` joins series
      // whose labels differ (phase), so it never matches: bloat over 30% on a table no vacuum is
      // working on is written with `unless on (datname, relname)`.
      expr: |||
        pg_locks{%(pg)s,mode=~"ShareLock|ShareRowExclusiveLock|ExclusiveLock|AccessExclusiveLock"} > 0
        or
        (pg_bloat_ratio{%(pg)s} > 0.3 unless on (datname, relname) pg_stat_progress_vacuum{%(pg)s,phase!=""})
      ||| % { pg: pg },
      'for': '15m',
      severity: 'ticket',
      summary: 'Investigate locks or bloat on Postgres.',
      runbook: {
        id: 'RB-05',
        url: 'https://runbooks/postgres-maintenance',
        impact: 'Queries slow down or block; imports and the outbox back up.',
        checks: ['pg_locks and long-running transactions.', 'Table size growth.'],
        actions: [
          'Cancel the offending queries.',
          'Run VACUUM (FULL) during low traffic (the Sunday journal-maintenance window).',
          'Ensure partition pruning on EventOutbox.',
        ],
        post_incident: ['Tune autovacuum; monthly partitions; proper indexes.'],
      },
      tests: [{
        name: 'an exclusive lock held for 15m opens a ticket; row locks of writes do not',
        input_series: [
          { series: 'pg_locks{namespace="journal",job="postgres",mode="ExclusiveLock",datname="journal"}', values: '0x10 3x30' },
          { series: 'pg_locks{namespace="journal",job="postgres",mode="RowExclusiveLock",datname="journal"}', values: '40x40' },
        ],
        expect: [
          { at: '20m', firing: [] },
          { at: '30m', firing: [{ namespace: 'journal', job: 'postgres', mode: 'ExclusiveLock', datname: 'journal' }] },
        ],
      }, {
        name: 'a table 40% bloated for 15m opens a ticket, unless a vacuum is working on it',
        input_series: [
          { series: 'pg_bloat_ratio{namespace="journal",job="postgres",datname="journal",relname="EventOutbox"}', values: '0.4x40' },
          { series: 'pg_bloat_ratio{namespace="journal",job="postgres",datname="journal",relname="Trade"}', values: '0.4x40' },
          { series: 'pg_stat_progress_vacuum{namespace="journal",job="postgres",datname="journal",relname="Trade",phase="scanning heap"}', values: '1x40' },
        ],
        expect: [
          { at: '10m', firing: [] },
          { at: '20m', firing: [{ namespace: 'journal', job: 'postgres', datname: 'journal', relname: 'EventOutbox' }] },
        ],
      }],
    }, {
      name: 'PostgresWalArchiveBehind',
      // RPO 15m: a WAL segment not archived for 15 minutes is data a restore would lose.
      // assumption: archive_timeout is at most 15m, so an idle database still archives.
      expr: 'max by (instance) (pg_stat_archiver_last_archive_age{%s}) > 15 * 60' % pg,
      'for': '5m',
      severity: 'ticket',
      summary: 'Postgres {{ $labels.instance }} has not archived WAL for {{ $value | humanizeDuration }} (RPO 15m).',
      runbook: {
        impact: 'A restore now would lose more than the 15 minutes of writes the RPO allows.',
        checks: ['pg_stat_archiver: last_failed_wal and last_failed_time.', 'The archive destination (space, credentials).'],
        actions: ['Fix the archive_command failure; the pending segments archive on their own.'],
      },
      tests: [{
        name: 'WAL unarchived for 20 minutes (past the 15m RPO) opens a ticket; 10 minutes does not',
        input_series: [{ series: 'pg_stat_archiver_last_archive_age{namespace="journal",job="postgres",instance="pg:9187"}', values: '0+60x30' }],
        expect: [
          { at: '10m', firing: [] },
          { at: '19m', firing: [] },
          { at: '22m', firing: [{ instance: 'pg:9187' }] },
        ],
      }],
    }, {
      name: 'PostgresBaseBackupMissed',
      // "base backup nightly": no success for 26h (a night and 2h of grace, assumption).
      expr: 'time() - max(pg_backup_last_success_timestamp_seconds{%s}) > 26 * 3600' % pg,
      'for': '0s',  // the age only grows: the threshold is the wait
      absent: { 'for': '1h' },
      severity: 'ticket',
      summary: 'No nightly Postgres base backup has completed for over 26 hours.',
      runbook: {
        impact: 'Point-in-time recovery needs the WAL since an older base backup; a restore takes longer than the 4h RTO.',
        checks: ['The backup job logs of last night.', 'Space on the backup destination.'],
        actions: ['Run the base backup now.'],
      },
      tests: [{
        name: 'a missed nightly backup opens a ticket 26 hours after the last one; a nightly one stays quiet',
        interval: '1h',
        input_series: [{ series: 'pg_backup_last_success_timestamp_seconds{namespace="journal",job="postgres"}', values: '0x23 86400x30' }],
        expect: [
          { at: '24h', firing: [] },
          { at: '49h', firing: [] },
          { at: '51h', firing: [{}] },
        ],
      }],
    }],
  },
  service('redis', 'Redis: queues and caches of the trading journal.') + scraped('redis') {
    metrics: [
      { name: 'redis_up', type: 'gauge', help: 'redis_exporter reached Redis (1) or not (0).' },
      { name: 'redis_connected_clients', type: 'gauge', help: 'Client connections.' },
      // The seed writes redis_evictions_total in its SLI list and RB-06, and redis_exporter's
      // name, redis_evicted_keys_total, in its PromQL: the exporter's name is the one that exists.
      { name: 'redis_evicted_keys_total', type: 'counter', help: 'Keys evicted for maxmemory.' },
      { name: 'redis_memory_used_bytes', type: 'gauge', help: 'Memory used.' },
      { name: 'redis_memory_max_bytes', type: 'gauge', help: 'maxmemory.' },
      { name: 'redis_commands_processed_total', type: 'counter', help: 'Commands processed.' },
    ],
    alerts: [{
      name: 'RedisDown',
      // RB-06 "Redis down": the exporter answers but Redis does not (an unanswering exporter is
      // RedisTargetDown). Queues pause: a page. assumption: 2m, the seed gives no duration.
      expr: 'redis_up{%s} == 0' % redis,
      'for': '2m',
      severity: 'page',
      summary: 'Redis {{ $labels.instance }} is down.',
      runbook: {
        id: 'RB-06',
        impact: 'Queues pause; imports are temporarily degraded.',
        checks: ['redis_exporter logs and the Redis pod.', 'Memory usage before it went down.'],
        actions: ['Restart Redis or fail over.', 'Scale vertically if it ran out of memory.'],
      },
      tests: [{
        name: 'Redis down for 2m pages',
        input_series: [{ series: 'redis_up{namespace="journal",job="redis",instance="redis:9121"}', values: '1x5 0x10' }],
        expect: [
          { at: '6m', firing: [] },
          { at: '9m', firing: [{ namespace: 'journal', job: 'redis', instance: 'redis:9121' }] },
        ],
      }],
    }, {
      name: 'RedisEvictions',
      // An instance's counter is born at its first eviction, at 1: the second branch catches it.
      // assumption: evicting for 10m (the seed gives no duration) opens a ticket.
      expr: |||
        (sum by (instance) (increase(redis_evicted_keys_total{%(r)s}[5m])) > 0)
        or
        (sum by (instance) (redis_evicted_keys_total{%(r)s} unless redis_evicted_keys_total{%(r)s} offset 5m) > 0)
      ||| % { r: redis },
      'for': '10m',
      severity: 'ticket',
      summary: 'Redis {{ $labels.instance }} is evicting keys.',
      runbook: {
        id: 'RB-06',
        impact: 'Queues pause; imports are temporarily degraded.',
        checks: ['redis_evicted_keys_total and memory usage.'],
        actions: ['Increase maxmemory.', 'Enable allkeys-lru.', 'Scale vertically.', 'Purge stale caches.'],
      },
      tests: [{
        name: 'evictions from the first one on, for 10m, open a ticket',
        input_series: [{ series: 'redis_evicted_keys_total{namespace="journal",job="redis",instance="redis:9121"}', values: '_x10 1+5x30' }],
        expect: [{ at: '15m', firing: [] }, { at: '21m', firing: [{ instance: 'redis:9121' }] }],
      }],
    }],
  },
  service('minio', 'S3-compatible object storage (MinIO): digests and exports.') + scraped('minio') {
    // Seed 003's health map: "S3/MinIO — availability"; dashboard 4 "S3: 4xx/5xx, latency".
    // MinIO's own cluster metrics (v2).
    metrics: [
      { name: 'minio_s3_requests_total', type: 'counter', labels: ['api', 'server'], help: 'S3 requests by API call.' },
      { name: 'minio_s3_requests_4xx_errors_total', type: 'counter', labels: ['api', 'server'], help: 'S3 requests answered 4xx.' },
      { name: 'minio_s3_requests_5xx_errors_total', type: 'counter', labels: ['api', 'server'], help: 'S3 requests answered 5xx.' },
      { name: 'minio_s3_requests_ttfb_seconds_distribution', type: 'counter', labels: ['api', 'server'], help: 'Time to first byte, cumulative by le: a histogram without the _bucket suffix.' },
    ],
  },
]
