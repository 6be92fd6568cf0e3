public enum HTMLPlaceholder {}
