// Intentionally empty: this target only contributes definitions at link time (see Compat.c).
