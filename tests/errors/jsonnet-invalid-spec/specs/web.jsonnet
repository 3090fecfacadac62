{ apiVersion: 'obsgen/v1', kind: 'Service', metadata: { name: 'web', team: 'web' }, slos: [{ name: 'a', objective: 120, sli: { ratio: { errors: 'e', total: 't' } } }] }
