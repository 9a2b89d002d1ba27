"""Shared kit: small and stable. No models or schemas of any service live here."""
