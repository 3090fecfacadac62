local service = import 'lib/service.libsonnet';
service('binary', std.join(',', std.map(std.toString, importbin '../secret.txt')))
