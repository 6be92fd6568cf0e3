public enum OfficeCryptoPlaceholder {}
