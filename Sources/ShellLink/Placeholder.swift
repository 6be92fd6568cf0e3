public enum ShellLinkPlaceholder {}
