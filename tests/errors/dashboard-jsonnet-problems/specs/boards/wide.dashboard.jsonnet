{ panels: [{ type: 'stat', title: 'Wide', gridPos: { x: 16, y: 0, w: 12, h: 4 } }] }
