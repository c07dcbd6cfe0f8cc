"""The ops, one module per family. Each function takes Tensors, works on their ndarrays."""
