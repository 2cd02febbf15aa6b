"""DMS PySpark job: reads a job spec and moves data (see ../README.md for the contract)."""
