"""torch.optim: optimizers and learning-rate schedules (being built; see issue 4)."""
