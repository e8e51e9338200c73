// vigil-sim: plays scenarios on the real border as a sensor gateway would, for demos, tests and
// load tests of vigild. See `vigil-sim help run`.
VigilSim.main()
