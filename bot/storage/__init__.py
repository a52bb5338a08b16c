"""All SQL lives in this package. The rest of the code calls these functions with plain values."""
