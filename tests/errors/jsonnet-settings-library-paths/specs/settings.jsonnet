// Library folders must be known before any Jsonnet runs: a Jsonnet Settings cannot name them.
{ apiVersion: 'obsgen/v1', kind: 'Settings', jsonnet_library_paths: ['vendor'] }
