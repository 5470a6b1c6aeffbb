"""Background workers (training, surfaces, sweeps, recovery files) and how they share the interpreter with the window."""
