local svc(name) = {
  apiVersion: 'obsgen/v1',
  kind: 'Service',
  metadata: { name: name, team: 'fleet' },
  slos: [{
    name: 'availability',
    objective: 99,
    sli: { ratio: { errors: 'http_requests_total{job="%s",code=~"5.."}' % name, total: 'http_requests_total{job="%s"}' % name } },
  }],
};
[svc('alpha'), svc('beta')]
