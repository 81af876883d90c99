"""The `jaxnn` command's one error type: a user error, reported as one line with exit code 2."""

EXIT_USAGE = 2


class CLIError(Exception):
    """A user error: reported as one line on stderr with exit code 2, never a traceback."""
