// A shared definition; the services below fill in the description.
function(name, description) {
  apiVersion: 'obsgen/v1',
  kind: 'Service',
  metadata: { name: name, team: 'web', description: description },
}
