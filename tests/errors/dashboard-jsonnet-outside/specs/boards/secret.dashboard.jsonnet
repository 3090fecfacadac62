{
  panels: [{ type: 'text', title: importstr '../../secret.txt' }],
}
