public enum CompoundFilePlaceholder {}
