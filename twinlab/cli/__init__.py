"""The ``jaxnn`` console command (``twinlab.cli:main``)."""

from twinlab.cli.entry import main as main
