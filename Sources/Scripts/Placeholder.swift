public enum ScriptsPlaceholder {}
