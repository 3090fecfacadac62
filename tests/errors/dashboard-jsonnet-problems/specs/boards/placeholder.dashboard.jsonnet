{ panels: [{ type: 'timeseries', title: 'CPU', datasource: { uid: '${DS_PROMETHEUS}' } }] }
