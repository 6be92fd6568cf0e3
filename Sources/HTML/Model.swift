import Scripts

/// One finding in a page: what was seen, where, and why it matters.
public struct HTMLIndicator: Sendable, Hashable, CustomStringConvertible {
    /// The kind of finding; its raw value is stable across releases and is what rules match on.
    public struct Kind: Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        public init(_ rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// HTML smuggling: a payload encoded in the page is decoded and offered as a download.
        public static let smuggling = Kind("smuggling")
        /// A script wraps data in a `Blob`, makes an object URL of it and downloads it (`download`, `click()`).
        public static let blobDownload = Kind("blob-download")
        /// A script saves a blob with `navigator.msSaveOrOpenBlob`/`msSaveBlob` (Internet Explorer and old Edge).
        public static let msSaveBlob = Kind("ms-save-blob")
        /// A `data:` URL offered as a download (`<a href="data:..." download>`, a non-displayable media type, or a
        /// script that navigates to one).
        public static let dataURLDownload = Kind("data-url-download")
        /// `atob` (or an equivalent Base64 decoder) over a long string literal (``HTMLLimits/longStringBytes``).
        public static let atobLongString = Kind("atob-long-string")
        /// A long array of character codes decoded into data (`String.fromCharCode`, `new Uint8Array([...])`).
        public static let charCodePayload = Kind("char-code-payload")
        /// A long hex- or percent-encoded string literal decoded into data.
        public static let escapedPayload = Kind("escaped-payload")
        /// A form with a password field that posts to an absolute URL (another host than the local file).
        public static let credentialForm = Kind("credential-form")
        /// A form (without a password field) that posts to an absolute URL.
        public static let externalFormAction = Kind("external-form-action")
        /// A script sends what was typed (a page with a password field) to an absolute URL (`fetch`, `XMLHttpRequest`,
        /// jQuery `$.post`/`$.ajax`).
        public static let scriptPost = Kind("script-post")
        /// `<meta http-equiv="refresh" content="0;url=...">`.
        public static let metaRefresh = Kind("meta-refresh")
        /// A script navigates to a URL (`location = `, `location.href = `, `location.replace()`, `window.open()`).
        public static let scriptRedirect = Kind("script-redirect")
        /// Decoded text is run or written into the page (`eval`, `document.write`, `Function`, `innerHTML` of text
        /// from `atob`, `unescape`, `String.fromCharCode`...).
        public static let obfuscatedScript = Kind("obfuscated-script")
        /// A decoded string is an archive, executable or Office document, though no download of it was seen.
        public static let encodedBinary = Kind("encoded-binary")
        /// An `<iframe>`/`<frame>`/`<embed>`/`<object>` loads an absolute URL.
        public static let externalFrame = Kind("external-frame")
    }

    public var kind: Kind
    /// What exactly was found, for the report.
    public var detail: String
    /// The byte offset in the input of the evidence (the tag, or the string literal).
    public var offset: Int
    /// The 1-based line of ``offset``.
    public var line: Int

    public init(kind: Kind, detail: String, offset: Int, line: Int) {
        self.kind = kind
        self.detail = detail
        self.offset = offset
        self.line = line
    }

    public var description: String { "\(kind) (line \(line)): \(detail)" }
}

/// Data decoded from a page: the file that HTML smuggling hands to the browser, or an encoded binary.
public struct HTMLPayload: Sendable, Hashable {
    /// The file name offered (the `download` attribute, `a.download = ...`, the `msSaveOrOpenBlob` name), if any.
    public var name: String?
    /// The decoded bytes (at most ``HTMLLimits/maxPayloadBytes``).
    public var bytes: [UInt8]
    /// How it was encoded and delivered: `"blob+atob"`, `"blob+char-codes"`, `"ms-save-blob+atob"`, `"data-url"`,
    /// `"atob"`, `"char-codes"`, `"hex"`, `"percent"`...
    public var technique: String
    /// Where the encoded literal starts in the input bytes.
    public var offset: Int
    /// The 1-based line of ``offset``.
    public var line: Int
    /// Whether the payload was cut at ``HTMLLimits/maxPayloadBytes`` (or the decoding budget ran out).
    public var truncated: Bool
    /// The media type of a `data:` URL payload, if it had one.
    public var mediaType: String?

    public init(
        name: String?, bytes: [UInt8], technique: String, offset: Int, line: Int, truncated: Bool,
        mediaType: String? = nil
    ) {
        self.name = name
        self.bytes = bytes
        self.technique = technique
        self.offset = offset
        self.line = line
        self.truncated = truncated
        self.mediaType = mediaType
    }
}

/// A `<form>` of the page.
public struct HTMLForm: Sendable, Hashable {
    /// The `action` attribute (entity-decoded), or `nil` when absent.
    public var action: String?
    /// The `method` attribute, lowercased; `"get"` when absent.
    public var method: String
    /// Whether an `<input type="password">` belongs to the form.
    public var hasPasswordField: Bool
    /// The `name` (or `id`) of each input of the form, in order (at most 64).
    public var inputNames: [String]
    /// Where the `<form>` tag starts.
    public var offset: Int
    /// The 1-based line of ``offset``.
    public var line: Int

    public init(
        action: String?, method: String = "get", hasPasswordField: Bool = false, inputNames: [String] = [],
        offset: Int, line: Int
    ) {
        self.action = action
        self.method = method
        self.hasPasswordField = hasPasswordField
        self.inputNames = inputNames
        self.offset = offset
        self.line = line
    }

    /// Whether the form posts to an absolute URL (`https://...`, `//host/...`): somewhere other than the local
    /// file the attachment was opened from.
    public var postsToAbsoluteURL: Bool { action.map(URLText.isAbsolute) ?? false }
}
