"""Speed and quality benchmarks (run as scripts; see README.md here)."""
