"""Pull-request review: build the project at git refs, diff it semantically, preview it as a static site."""
