"""What a run or the parity suite measured, as text, plots, HTML and generated docs tables."""
