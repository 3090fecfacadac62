{ panels: [{ type: 'graph', title: 'Old' }] }
