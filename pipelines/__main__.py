"""``python -m pipelines`` is the ``incidents`` command."""

import sys

from pipelines.cli import main

sys.exit(main())
