/// Scenarios, cameras and load generation for driving vigild.
public enum VigilSimulationModule {}
