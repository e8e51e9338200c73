/// The daemon's Dispatch pipeline: ingest, processing, publishing, control.
public enum VigilPipelineModule {}
