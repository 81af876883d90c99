"""``python -m twinlab.bench ARGS`` is ``jaxnn bench ARGS``."""

import sys

from twinlab.cli.entry import main

sys.argv[1:1] = ["bench"]
sys.exit(main())
