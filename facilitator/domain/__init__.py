"""Pure rules and value types. Standard library only: no Qt, no SQL, no third-party imports."""
