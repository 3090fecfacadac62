{ text(title): { type: 'text', title: title } }
