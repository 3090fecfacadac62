local panel = import 'panel.libsonnet';
{ panels: [panel.text('Imports inside the specs folder keep working')] }
