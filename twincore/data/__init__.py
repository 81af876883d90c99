"""Data both twins receive as NumPy arrays: IDX files, bundled and synthetic sets, orders."""
