local service = import 'lib/service.libsonnet';
service('missing', importstr 'lib/missing.txt')
