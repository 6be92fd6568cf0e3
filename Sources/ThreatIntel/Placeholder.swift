/// Placeholder until the ThreatIntel sources land.
public enum ThreatIntelPlaceholder {}
