// Stands in for a PyTorch reference that cannot run (no torch installed): an error, no RESULT line.
console.error("ModuleNotFoundError: No module named 'torch'");
process.exit(1);
