import CZlib
public enum ZIPPlaceholder {}
