"""The project's verifiable coding tasks (see tasks/README.md)."""
