"""Members' pages: offers and requests, exchanges, statement, profile, pool."""
