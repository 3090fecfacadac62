import sys

from obsgen.cli import main

sys.exit(main())
