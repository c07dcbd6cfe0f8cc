"""torch.nn.functional: the stateless ops that nn's modules call (being built; see issue 4)."""
