local service = import 'lib/service.libsonnet';
service('absolute', importstr '/etc/passwd')
