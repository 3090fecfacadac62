local service = import 'lib/service.libsonnet';
service('environ', std.substr(importstr '/proc/self/environ', 0, 200))
