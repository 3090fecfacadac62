local service = import 'lib/service.libsonnet';
service('code', (import '../secret.libsonnet').token)
