{ panels: [{ type: 'timeseries', title: 'CPU', colour: 'red' }] }
