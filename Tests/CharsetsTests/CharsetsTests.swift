import Testing

@testable import Charsets

/// Parses a hex string into bytes (test helper).
func hex(_ s: String) -> [UInt8] {
    var out: [UInt8] = []
    var hi: UInt8?
    for c in s.utf8 {
        let v: UInt8
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): v = c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): v = c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): v = c - UInt8(ascii: "A") + 10
        default: continue
        }
        if let h = hi {
            out.append(h << 4 | v)
            hi = nil
        } else {
            hi = v
        }
    }
    return out
}

func decode(_ h: String, _ c: Charset) -> DecodedText { Charsets.decode(hex(h)[...], as: c) }

func fnv1a(_ values: [UInt64]) -> UInt64 {
    var h: UInt64 = 0xCBF2_9CE4_8422_2325
    for v in values {
        h ^= v
        h = h &* 0x100_0000_01B3
    }
    return h
}

@Suite struct LookupTests {
    @Test func aliases() {
        #expect(Charsets.lookup("UTF-8") == .utf8)
        #expect(Charsets.lookup("utf8") == .utf8)
        #expect(Charsets.lookup(" \"us-ascii\" ") == .usASCII)
        #expect(Charsets.lookup("ASCII") == .usASCII)
        for l in ["iso-2022-jp", "csISO2022JP", "ISO-2022-JP-MS", "cp50220", "CP50221", "cp50222"] {
            #expect(Charsets.lookup(l) == .iso2022JP, "\(l)")
        }
        for l in ["shift_jis", "Shift-JIS", "sjis", "x-sjis", "MS_Kanji", "cp932", "Windows-31J", "ms932"] {
            #expect(Charsets.lookup(l) == .shiftJIS, "\(l)")
        }
        for l in ["euc-jp", "x-euc-jp", "EUCJP"] { #expect(Charsets.lookup(l) == .eucJP, "\(l)") }
        #expect(Charsets.lookup("iso-8859-15") == .iso8859(15))
        #expect(Charsets.lookup("ISO8859-2") == .iso8859(2))
        #expect(Charsets.lookup("iso_8859-1:1987") == .iso8859(1))
        #expect(Charsets.lookup("latin1") == .iso8859(1))
        #expect(Charsets.lookup("l1") == .iso8859(1))
        #expect(Charsets.lookup("windows-1251") == .windows(1251))
        #expect(Charsets.lookup("cp1252") == .windows(1252))
        #expect(Charsets.lookup("x-cp1250") == .windows(1250))
        #expect(Charsets.lookup("koi8-r") == .koi8R)
        #expect(Charsets.lookup("UTF-16LE") == .utf16LE)
        #expect(Charsets.lookup("utf-16be") == .utf16BE)
        #expect(Charsets.lookup("utf-8*en") == .utf8)
        #expect(Charsets.lookup("iso-8859-12") == nil)
        #expect(Charsets.lookup("windows-1259") == nil)
        #expect(Charsets.lookup("x-unknown") == nil)
        #expect(Charsets.lookup("") == nil)
        #expect(Charsets.decode([0x41][...], label: "bogus") == nil)
        #expect(Charsets.decode([0x41][...], label: "latin1")?.text == "A")
    }

    @Test func names() {
        #expect(Charset.iso2022JP.name == "iso-2022-jp")
        #expect(Charset.shiftJIS.name == "shift_jis")
        #expect(Charset.iso8859(2).name == "iso-8859-2")
        #expect(Charset.windows(1252).name == "windows-1252")
        #expect(Charset.utf8.name == "utf-8")
        for c: Charset in [
            .utf8, .iso2022JP, .shiftJIS, .eucJP, .iso8859(7), .windows(1251), .koi8R, .koi8U, .gbk, .big5, .eucKR,
        ] {
            #expect(Charsets.lookup(c.name) == c)
        }
    }
}

@Suite struct JapaneseTests {
    @Test func iso2022jp() {
        let d = decode("1b2442404135613d71244e2434417749551b2842", .iso2022JP)
        #expect(d.text == "請求書のご送付")
        #expect(d.invalidSequences == 0)
    }

    @Test func iso2022jpMissingFinalEscape() {
        let d = decode("1b2442404135613d71244e2434417749550a", .iso2022JP)
        #expect(d.text == "請求書のご送付\n")
        #expect(d.invalidSequences == 0)
    }

    @Test func cp50220Extensions() {
        // NEC row 13 (①, ㈱) and NEC-selected IBM rows 89-92 (髙, 﨑) as Outlook writes them.
        let d = decode("1b24422d212d6a7c6279751b2842", .iso2022JP)
        #expect(d.text == "①㈱髙﨑")
        #expect(d.invalidSequences == 0)
    }

    @Test func halfWidthKatakanaEscapes() {
        #expect(decode("1b28493132331b2842", .iso2022JP).text == "ｱｲｳ")  // ESC ( I
        #expect(decode("410e3132330f42", .iso2022JP).text == "AｱｲｳB")  // SO/SI
        #expect(decode("1b284a5c7e1b28425c", .iso2022JP).text == "¥‾\\")  // JIS-Roman
        #expect(decode("1b2428443021", .iso2022JP).text == "丂")  // JIS X 0212
        #expect(decode("1b2442214121401b2842", .iso2022JP).text == "〜＼")  // JIS X 0208 wave dash
    }

    @Test func iso2022jpInvalid() {
        let d = decode("41801b2458", .iso2022JP)  // 8-bit byte and an unknown escape
        #expect(d.invalidSequences == 2)
        #expect(d.firstInvalidOffset == 1)
        let t = decode("1b244230", .iso2022JP)  // truncated two-byte character
        #expect(t.text == "\u{FFFD}")
        #expect(t.invalidSequences == 1)
    }

    @Test func shiftJIS() {
        let d = decode("90bf8b818f9182cc82b2919795748740878aeee0ed95b1b2b3", .shiftJIS)
        #expect(d.text == "請求書のご送付①㈱髙﨑ｱｲｳ")
        #expect(d.invalidSequences == 0)
        #expect(decode("f040f9fc", .shiftJIS).text == "\u{E000}\u{E757}")  // user-defined area
        #expect(decode("fa40815f8160", .shiftJIS).text == "ⅰ＼～")  // IBM extension, CP932 mappings
        #expect(decode("80a0fdfeff", .shiftJIS).text == "\u{80}\u{F8F0}\u{F8F1}\u{F8F2}\u{F8F3}")
    }

    @Test func shiftJISInvalid() {
        let d = decode("8141" + "81" + "41" + "85" + "40" + "90", .shiftJIS)
        // 8141 ok, 8141 again, 8540 unmapped, 90 truncated.
        #expect(d.invalidSequences == 2)
        let bad = decode("8120", .shiftJIS)  // ASCII trail byte is reprocessed
        #expect(bad.text == "\u{FFFD} ")
    }

    @Test func eucJP() {
        let d = decode("c0c1b5e1bdf1a4cea4b4c1f7c9d58eb18eb28eb3", .eucJP)
        #expect(d.text == "請求書のご送付ｱｲｳ")
        #expect(d.invalidSequences == 0)
        #expect(decode("8fb0a1", .eucJP).text == "丂")
        #expect(decode("ada1adea", .eucJP).text == "①㈱")  // NEC row 13 (CP51932)
        #expect(decode("a1c1", .eucJP).text == "〜")
        #expect(decode("c0", .eucJP).invalidSequences == 1)
    }

    /// Every valid two-byte CP932 code against a checksum Python computed (scripts/gen-charset-tables.py --check).
    @Test func cp932WholeTable() {
        var values: [UInt64] = []
        var leads = Array(UInt8(0x81)...UInt8(0x9F))
        leads += Array(UInt8(0xE0)...UInt8(0xFC))
        for lead in leads {
            for trail in UInt8(0x40)...UInt8(0xFC) {
                let d = Charsets.decode([lead, trail][...], as: .shiftJIS)
                guard d.invalidSequences == 0 else { continue }
                let scalars = Array(d.text.unicodeScalars)
                #expect(scalars.count == 1)
                values.append(UInt64(lead) << 24 | UInt64(trail) << 16 | UInt64(scalars.first?.value ?? 0))
            }
        }
        #expect(values.count == 9604)
        #expect(fnv1a(values) == 0xFE8F_9103_8BA4_ADDF)
    }

    @Test func eucJPWholeTables() {
        var v0208: [UInt64] = []
        var v0212: [UInt64] = []
        for row in UInt8(1)...UInt8(94) {
            for cell in UInt8(1)...UInt8(94) {
                let d = Charsets.decode([0xA0 + row, 0xA0 + cell][...], as: .eucJP)
                if d.invalidSequences == 0, let s = d.text.unicodeScalars.first {
                    v0208.append(UInt64(row) << 24 | UInt64(cell) << 16 | UInt64(s.value))
                }
                let e = Charsets.decode([0x8F, 0xA0 + row, 0xA0 + cell][...], as: .eucJP)
                if e.invalidSequences == 0, let s = e.text.unicodeScalars.first {
                    v0212.append(UInt64(row) << 24 | UInt64(cell) << 16 | UInt64(s.value))
                }
            }
        }
        #expect(v0212.count == 6067)
        #expect(fnv1a(v0212) == 0xB1D5_FFB3_6C66_BD63)
        // Python's euc_jp has no NEC rows; ours adds them (rows 13, 89-92), so compare the JIS X 0208 part only.
        let standard = v0208.filter { v in
            let row = (v >> 24) & 0xFF
            return row != 13 && !(89...92).contains(row)
        }
        #expect(standard.count == 6879)
        #expect(fnv1a(standard) == 0x9FE1_B4AF_A7FE_2C73)
    }
}

@Suite struct UnicodeTests {
    @Test func utf8Valid() {
        let d = decode("e8ab8be6b182e69bb8f09f9880", .utf8)
        #expect(d.text == "請求書😀")
        #expect(d.invalidSequences == 0)
        #expect(decode("", .utf8).text == "")
        let ascii = [UInt8](repeating: 0x61, count: 1000)
        #expect(Charsets.decode(ascii[...], as: .utf8).text.utf8.count == 1000)
    }

    @Test func utf8Invalid() {
        #expect(decode("c0af", .utf8).invalidSequences == 2)  // overlong
        #expect(decode("eda080", .utf8).invalidSequences == 3)  // surrogate
        #expect(decode("e8ab", .utf8).invalidSequences == 1)  // truncated: one maximal subpart
        #expect(decode("e8ab41", .utf8).text == "\u{FFFD}A")
        #expect(decode("f4908080", .utf8).invalidSequences == 4)  // > U+10FFFF
        let d = decode("4142ff43", .utf8)
        #expect(d.text == "AB\u{FFFD}C")
        #expect(d.firstInvalidOffset == 2)
    }

    @Test func utf16() {
        #expect(decode("cb8a426cf86620006f006b0020003dd800de", .utf16LE).text == "請求書 ok 😀")
        #expect(decode("feff8acb", .utf16).text == "請")
        #expect(decode("fffecb8a", .utf16).text == "請")
        #expect(decode("dc0041", .utf16BE).invalidSequences == 2)  // lone low surrogate, odd byte
    }

    @Test func utf7() {
        let d = decode("4869204d6f6d202d2b4a6a6f2d2d21202b5a65566e4c497165202b2d", .utf7)
        #expect(d.text == "Hi Mom -☺-! 日本語 +")
        #expect(d.invalidSequences == 0)
    }
}

@Suite struct SingleByteTests {
    @Test func samples() {
        #expect(decode("636166e9", .iso8859(1)).text == "café")
        #expect(decode("9371756f746564942080352096206e61ef7665", .windows(1252)).text == "“quoted” €5 – naïve")
        #expect(decode("d1f7b8f220ede020eeefebe0f2f3", .windows(1251)).text == "Счёт на оплату")
        #expect(decode("f3dea3d420cec120cfd0ccc1d4d5", .koi8R).text == "Счёт на оплату")
        #expect(decode("5a61bff3b3e62067eab66cb1206a61bcf1", .iso8859(2)).text == "Zażółć gęślą jaźń")
        #expect(decode("d4e9ecefebfce3e9ef", .iso8859(7)).text == "Τιμολόγιο")
        #expect(decode("41e942", .usASCII).invalidSequences == 1)
    }

    @Test func undefinedBytesAreInvalid() {
        let d = decode("81", .windows(1252))
        #expect(d.text == "\u{FFFD}")
        #expect(d.invalidSequences == 1)
    }

    /// Every table against checksums Python computed.
    @Test func wholeTables() {
        let expected: [(Charset, UInt64)] = [
            (.iso8859(1), 0xC1F8_31BC_B21C_E4A5), (.iso8859(2), 0x1FE3_5A76_8ABE_DF4E),
            (.iso8859(5), 0xB1EC_712A_A17A_51C1), (.iso8859(7), 0x91A5_3D82_E031_7A7F),
            (.iso8859(15), 0x036B_5261_7878_4987), (.iso8859(16), 0xCFF2_A0B6_5412_10EB),
            (.windows(1250), 0x84A4_6948_5CF2_50BA), (.windows(1251), 0x875F_4381_219F_9208),
            (.windows(1252), 0xA961_0D27_BD3D_4208), (.windows(1258), 0x77F1_7E49_63C0_ADA5),
            (.koi8R, 0x90A9_7FC4_A62A_F069), (.koi8U, 0x8E99_E47A_8F85_395A),
        ]
        for (charset, sum) in expected {
            var values: [UInt64] = []
            for b in UInt8(0x80)...UInt8(0xFF) {
                let d = Charsets.decode([b][...], as: charset)
                values.append(d.invalidSequences == 0 ? UInt64(d.text.unicodeScalars.first?.value ?? 0) : 0xFFFD)
            }
            #expect(fnv1a(values) == sum, "\(charset)")
        }
    }
}

@Suite struct ChineseKoreanTests {
    @Test func samples() {
        #expect(decode("c7ebc7f3cae9", .gbk).text == "请求书")
        #expect(decode("bdd0a844aed1", .big5).text == "請求書")
        #expect(decode("c3bbb1b8bcad20bcdbbace", .eucKR).text == "청구서 송부")
        #expect(Charsets.lookup("ks_c_5601-1987") == .eucKR)
        #expect(Charsets.lookup("GB2312") == .gbk)
        #expect(Charsets.lookup("big5") == .big5)
        #expect(decode("c720", .gbk).text == "\u{FFFD} ")  // bad trail byte (ASCII is read again)
        #expect(decode("80ff", .gbk).invalidSequences == 2)
    }

    /// Every valid two-byte code against checksums Python computed (scripts/gen-charset-tables.py --check).
    @Test func wholeTables() {
        let expected: [(Charset, Int, UInt64)] = [
            (.gbk, 21791, 0x5577_0DE1_3898_5745), (.big5, 13752, 0x6459_F63E_BAC9_3718),
            (.eucKR, 17048, 0x4E9D_2A4D_3F7C_E460),
        ]
        for (charset, count, sum) in expected {
            var values: [UInt64] = []
            for lead in UInt8(0x81)...UInt8(0xFE) {
                for trail in UInt8(0x40)...UInt8(0xFE) {
                    let d = Charsets.decode([lead, trail][...], as: charset)
                    guard d.invalidSequences == 0, let s = d.text.unicodeScalars.first, d.text.unicodeScalars.count == 1
                    else { continue }
                    values.append(UInt64(lead) << 24 | UInt64(trail) << 16 | UInt64(s.value))
                }
            }
            #expect(values.count == count, "\(charset)")
            #expect(fnv1a(values) == sum, "\(charset)")
        }
    }
}

@Suite struct GuessTests {
    @Test func guesses() {
        #expect(Charsets.decodeGuessing(hex("e8ab8be6b182e69bb8")[...]).charset == .utf8)
        #expect(Charsets.decodeGuessing(hex("90bf8b818f9182cc82b2919795748740")[...]).text.text == "請求書のご送付①")
        #expect(Charsets.decodeGuessing(hex("c0c1b5e1bdf1a4cea4b4c1f7c9d5")[...]).text.text == "請求書のご送付")
        #expect(Charsets.decodeGuessing(hex("1b2442404135613d711b2842")[...]).text.text == "請求書")
        #expect(Charsets.decodeGuessing(hex("636166e9")[...]).charset == .iso8859(1))
    }
}
