"""Supplier payments and their anticipations: the Codevance API on the platform core."""
