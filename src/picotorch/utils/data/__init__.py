"""torch.utils.data: datasets, samplers and the DataLoader (being built; see issue 4)."""
