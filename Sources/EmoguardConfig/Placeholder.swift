/// Placeholder until the configuration sources land.
public enum EmoguardConfigPlaceholder {}
