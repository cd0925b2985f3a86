"""Review workflows: stage definitions loaded from workflows/*.yaml."""
