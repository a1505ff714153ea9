"""Template tags of the identity app."""
