public enum OneNotePlaceholder {}
