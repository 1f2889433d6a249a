"""Per-page benchmark modules: each bench/<stem>.py exposes run() -> dict[str, float]."""
