{ title: 'SECRET-OUTSIDE-THE-SPECS', panels: [] }
