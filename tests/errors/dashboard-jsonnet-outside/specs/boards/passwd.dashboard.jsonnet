{
  panels: [{ type: 'text', title: importstr '/etc/passwd', gridPos: { x: 0, y: 0, w: 24, h: 4 } }],
}
