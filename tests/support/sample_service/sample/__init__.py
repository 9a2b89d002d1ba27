"""A throwaway service built from the kit's skeleton: the shape every service copies, and the subject of the
kit's reliability tests (tests/integration/test_kit.py)."""
