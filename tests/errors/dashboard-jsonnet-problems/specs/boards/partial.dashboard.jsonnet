{ panels: [
  { type: 'stat', title: 'Placed', gridPos: { x: 0, y: 0, w: 12, h: 4 } },
  { type: 'stat', title: 'Floating' },
] }
