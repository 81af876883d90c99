"""``python -m twinlab.cli ARGS`` is ``jaxnn ARGS``."""

import sys

from twinlab.cli.entry import main

sys.exit(main())
