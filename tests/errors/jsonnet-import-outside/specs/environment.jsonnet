local service = import 'lib/service.libsonnet';
service('environment', std.extVar('HOME'))
