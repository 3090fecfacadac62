local service = import 'lib/service.libsonnet';
service('hidden', importstr '.private/token.txt')
