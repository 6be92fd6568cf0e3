public enum HostCheckPlaceholder {}
