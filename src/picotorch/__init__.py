"""picotorch: PyTorch's basics, re-implemented in readable Python on NumPy."""
