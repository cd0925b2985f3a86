"""Text, the leaf every layer may use: Markdown, word diffs, word counts, pandoc and Typst."""
