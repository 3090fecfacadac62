{
  apiVersion: 'obsgen/v1',
  kind: 'Service'
  metadata: {},
}
