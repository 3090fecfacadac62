{
  service(name, description): {
    apiVersion: 'obsgen/v1',
    kind: 'Service',
    metadata: { name: name, team: 'web', description: description },
  },
}
