local service = import 'lib/service.libsonnet';
service('nested', (import 'lib/leak.libsonnet').description)
