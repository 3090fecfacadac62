{ panels: [] }
