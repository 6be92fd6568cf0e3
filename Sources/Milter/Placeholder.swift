/// Placeholder until the milter protocol sources land.
public enum MilterPlaceholder {}
