print("vigild: under construction")
