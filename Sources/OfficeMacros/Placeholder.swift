public enum OfficeMacrosPlaceholder {}
