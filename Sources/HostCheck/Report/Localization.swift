/// The language of the text report.
public enum ReportLanguage: String, Sendable, CaseIterable, Codable {
    case en, ja

    /// The language of the locale: `LC_ALL`, then `LC_MESSAGES`, then `LANG` (`ja_JP.UTF-8` → Japanese); English
    /// otherwise, as EmoCheck chooses by `GetUserDefaultLangID`.
    public static func fromEnvironment(_ env: [String: String]) -> ReportLanguage {
        for key in ["LC_ALL", "LC_MESSAGES", "LANG"] {
            guard let v = env[key], !v.isEmpty else { continue }
            return v.lowercased().hasPrefix("ja") ? .ja : .en
        }
        return .en
    }
}

/// The report's sentences in English and Japanese.
enum Text {
    static func title(_ rule: String, _ lang: ReportLanguage) -> String {
        switch (rule, lang) {
        case ("hostcheck.v1.serial-process-name", .en): "Process name derived from the volume serial number"
        case ("hostcheck.v1.serial-process-name", .ja): "ボリュームシリアル番号から生成されたプロセス名"
        case ("hostcheck.v2.explorer-encoded-name", .en): "Process name hidden (XOR-encoded) in the Explorer registry key"
        case ("hostcheck.v2.explorer-encoded-name", .ja): "Explorer レジストリキーに隠された (XOR で符号化された) プロセス名"
        case ("hostcheck.v3.system-name-folder", .en): "Executable named after a system file, in a folder of that name"
        case ("hostcheck.v3.system-name-folder", .ja): "システムファイル名を装った実行ファイル (同名のフォルダー内)"
        case ("hostcheck.v4.rundll32-run-value", .en): "Random-named PE in a random folder, started by rundll32 from a Run value"
        case ("hostcheck.v4.rundll32-run-value", .ja): "ランダムな名前のフォルダーとファイル (PE) を Run キーから rundll32 で自動起動"
        case ("hostcheck.v4.rundll32-service", .en): "Random-named PE in a random folder, started by rundll32 from a service"
        case ("hostcheck.v4.rundll32-service", .ja): "ランダムな名前のフォルダーとファイル (PE) をサービスから rundll32 で起動"
        case ("hostcheck.v5.seven-day-timestamp", .en): "PE whose last-write time is exactly 7 days before its folder's (forged)"
        case ("hostcheck.v5.seven-day-timestamp", .ja): "更新日時がフォルダーのちょうど7日前に改ざんされた PE"
        case ("hostcheck.2022.regsvr32-dll", .en): "Random-named DLL started by regsvr32 (or rundll32 DllRegisterServer)"
        case ("hostcheck.2022.regsvr32-dll", .ja): "regsvr32 (または rundll32 の DllRegisterServer) で自動起動されるランダムな名前の DLL"
        default: rule
        }
    }

    static func period(_ g: EmotetGeneration, _ lang: ReportLanguage) -> String {
        guard lang == .ja else { return g.period }
        switch g {
        case .v1: return "2020年2月"
        case .v2: return "2020年2月〜8月"
        case .v3: return "2020年4月〜8月の更新"
        case .v4: return "2020年12月の更新"
        case .v5: return "汎用ルール、2020年12月以降"
        case .g2022: return "2022〜2023年"
        }
    }

    static func confirmation(_ c: Confirmation, _ lang: ReportLanguage) -> String {
        switch (c, lang) {
        case (.running, .en): "RUNNING: a process confirms it"
        case (.running, .ja): "実行中: プロセスで確認しました"
        case (.notRunning, .en): "persistence found, not running (no matching process in the list)"
        case (.notRunning, .ja): "永続化あり、実行中のプロセスは一覧にありません"
        case (.unverifiable, .en): "persistence found, not confirmed running (the process list lacks command lines or paths)"
        case (.unverifiable, .ja): "永続化あり、実行中か確認できません (プロセス一覧にコマンドラインまたはパスがありません)"
        case (.noProcessList, .en): "persistence found, not confirmed running (no process list)"
        case (.noProcessList, .ja): "永続化あり、実行中か未確認 (プロセス一覧がありません)"
        }
    }

    static func label(_ key: String, _ lang: ReportLanguage) -> String {
        let en: [String: String] = [
            "header": "Emoguard host check: EmoCheck's detection for every Emotet generation",
            "host": "Host", "serial": "Volume serial", "processes": "Processes", "sources": "Read from",
            "none": "none given", "unknown": "unknown",
            "detected": "[!!] Emotet detected", "rule": "Rule", "what": "What", "file": "File", "content": "Content",
            "registry": "Registry", "process": "Process", "status": "Status", "admin": "Rights",
            "adminYes": "administrator (service, system folder or HKLM)", "adminNo": "user",
            "resultInfected": "Result: Emotet was detected and is running.",
            "resultPersistence": "Result: Emotet was detected (files and auto-start settings); no running process confirms it.",
            "resultClean": "Result: Emotet was not detected.",
            "next": "What to do next (as JPCERT/CC advises):",
            "skipped": "Not checked", "notes": "Notes", "processesListed": "listed",
            "bytes": "bytes", "lastWritten": "last written", "padding": "zero padding",
            "cleanCaveat": "Only the generations above were checked, on the files and registry this collection holds.",
        ]
        let ja: [String: String] = [
            "header": "Emoguard ホストチェック: EmoCheck の検知方式で全世代の Emotet を検査",
            "host": "ホスト名", "serial": "ボリュームシリアル番号", "processes": "プロセス一覧", "sources": "読み込み元",
            "none": "指定なし", "unknown": "不明",
            "detected": "[!!] Emotet 検知", "rule": "ルール", "what": "内容", "file": "ファイル", "content": "ファイルの中身",
            "registry": "レジストリ", "process": "プロセス", "status": "状態", "admin": "権限",
            "adminYes": "管理者 (サービス、システムフォルダー、HKLM)", "adminNo": "ユーザー",
            "resultInfected": "結果: Emotet を検知しました。実行中です。",
            "resultPersistence": "結果: Emotet を検知しました (ファイルと自動起動の設定)。実行中のプロセスは確認できていません。",
            "resultClean": "結果: Emotet は検知されませんでした。",
            "next": "次に行うこと (JPCERT/CC の推奨):",
            "skipped": "検査できなかった世代", "notes": "注記", "processesListed": "件",
            "bytes": "バイト", "lastWritten": "最終更新", "padding": "ゼロ埋め",
            "cleanCaveat": "この収集データに含まれるファイルとレジストリについて、上記の世代を検査した結果です。",
        ]
        return (lang == .ja ? ja : en)[key] ?? key
    }

    /// JPCERT/CC's advice after an Emotet infection, as numbered steps.
    static func nextSteps(_ lang: ReportLanguage) -> [String] {
        switch lang {
        case .en:
            return [
                "Isolate the PC: disconnect it from the network (cable and Wi-Fi), and keep it (do not wipe it yet) for investigation.",
                "Remove the files and the auto-start settings (Run values, services) listed above, or reinstall the PC; then check it again.",
                "Change the passwords of the mail accounts used on the PC, and the passwords saved in its browsers and mail client.",
                "Warn your mail correspondents: Emotet steals mail and address books to send replies that look genuine.",
                "Check the other PCs of the same network, and report the incident (in Japan: to JPCERT/CC or IPA).",
            ]
        case .ja:
            return [
                "感染した端末をネットワークから隔離してください (LAN ケーブルを抜く、Wi-Fi を切る)。調査のため、すぐに初期化せず保全してください。",
                "上記のファイルと自動起動の設定 (Run キーの値、サービス) を削除するか、端末を初期化してください。その後、再度検査してください。",
                "端末で使っていたメールアカウントのパスワード、ブラウザーやメールソフトに保存していたパスワードを変更してください。",
                "メールの送信先や取引先に注意を呼びかけてください。Emotet は盗んだメールとアドレス帳を使い、返信を装ったメールを送ります。",
                "同じネットワークの他の端末も検査し、被害を報告してください (JPCERT/CC、IPA)。",
            ]
        }
    }
}

/// Untrusted text (file names, command lines, registry data) made safe for a terminal: control characters become
/// `\u{…}`.
enum Printable {
    /// Columns a string takes on a terminal: East Asian wide characters take two.
    static func width(_ s: String) -> Int {
        s.unicodeScalars.reduce(0) { n, c in
            let v = c.value
            let wide = (0x1100...0x115F).contains(v) || (0x2E80...0xA4CF).contains(v) || (0xAC00...0xD7A3).contains(v)
                || (0xF900...0xFAFF).contains(v) || (0xFE30...0xFE4F).contains(v) || (0xFF00...0xFF60).contains(v)
                || (0xFFE0...0xFFE6).contains(v)
            return n + (wide ? 2 : 1)
        }
    }

    static func escape(_ s: String) -> String {
        var out = ""
        for scalar in s.unicodeScalars {
            if scalar.value < 0x20 || scalar.value == 0x7F || (0x80...0x9F).contains(scalar.value) {
                out += "\\u{\(String(scalar.value, radix: 16))}"
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
