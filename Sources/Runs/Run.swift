// Runs: runner and records.
