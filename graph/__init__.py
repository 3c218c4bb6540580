"""The domain: store, loading, validation, contributions, linking, export. No Flask here."""
