print("vigil-sim: under construction")
