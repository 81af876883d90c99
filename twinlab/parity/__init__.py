"""``jaxnn parity``: the parity suite run with its measurements recorded, and what they say."""
