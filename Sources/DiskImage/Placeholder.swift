public enum DiskImagePlaceholder {}
