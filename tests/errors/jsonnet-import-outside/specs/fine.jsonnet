// Imports inside the specs folder keep working.
local service = import 'lib/service.libsonnet';
service('fine', 'Imported from lib/.')
