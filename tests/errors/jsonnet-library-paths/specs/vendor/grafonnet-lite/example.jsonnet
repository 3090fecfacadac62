// Files in a library folder are imported, never read as specs: this one would not validate.
{ not: 'a spec' }
