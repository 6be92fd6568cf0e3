public enum PEPlaceholder {}
