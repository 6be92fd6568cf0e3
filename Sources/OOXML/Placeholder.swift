public enum OOXMLPlaceholder {}
