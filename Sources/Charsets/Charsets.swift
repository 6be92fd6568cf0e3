/// Text decoding for mail and documents. (filled in by the charsets work)
public enum Charsets {}
