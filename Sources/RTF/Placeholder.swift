public enum RTFPlaceholder {}
