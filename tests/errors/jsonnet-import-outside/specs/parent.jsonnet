local service = import 'lib/service.libsonnet';
service('parent', importstr '../secret.txt')
