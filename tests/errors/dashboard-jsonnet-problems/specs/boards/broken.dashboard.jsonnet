{ panels: [ }
