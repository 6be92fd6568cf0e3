import Charsets

/// Maps a Windows code page number (PROJECTCODEPAGE) to the ``Charset`` that decodes it.
///
/// VBA stores module sources, module names and the `PROJECT` stream in the project's ANSI code page: 1252 in the
/// West, 932 (Shift_JIS) in Japan. Code pages that Charsets cannot decode fall back to Windows-1252 and are
/// reported by ``VBACodePage/charset(for:)`` returning `isExact == false`.
public enum VBACodePage {
    /// The charset for `codePage`, and whether it is the code page itself (`false`: a Windows-1252 fallback).
    public static func charset(for codePage: Int) -> (charset: Charset, isExact: Bool) {
        switch codePage {
        case 932: return (.shiftJIS, true)
        case 936: return (.gbk, true)
        case 949: return (.eucKR, true)
        case 950: return (.big5, true)
        case 1250...1258: return (.windows(codePage), true)
        case 65001: return (.utf8, true)
        case 1200: return (.utf16LE, true)
        case 1201: return (.utf16BE, true)
        case 20127: return (.usASCII, true)
        case 20866: return (.koi8R, true)
        case 21866: return (.koi8U, true)
        case 20932, 51932: return (.eucJP, true)
        case 50220, 50221, 50222: return (.iso2022JP, true)
        case 28591...28606 where codePage != 28602: return (.iso8859(codePage - 28590), true)
        case 65000: return (.utf7, true)
        default: return (.windows(1252), false)
        }
    }
}
