local ts(title, x, y) = { type: 'timeseries', title: title, gridPos: { x: x, y: y, w: 12, h: 8 } };
{ panels: [ts('Left', 0, 0), ts('Right', 12, 0), ts('Shifted', 6, 4)] }
