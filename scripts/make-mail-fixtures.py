#!/usr/bin/env python3
"""Builds the benign mail fixtures for the inspection engine's tests and the bundled examples.

Every specimen has the *structure* of an Emotet-style lure and nothing else: the "executable" is a 256-byte PE
header stub that does nothing, URLs use example.invalid. Regenerate with:

    python3 -m venv .venv-fixtures && .venv-fixtures/bin/pip install -r scripts/requirements-fixtures.txt
    .venv-fixtures/bin/python scripts/make-mail-fixtures.py

Outputs (committed):
    Examples/emotet-style-reply.eml            hijacked-thread style reply, password ZIP (ZipCrypto), password in the body
    Examples/ordinary-ppap.eml                 ordinary Japanese business mail with a password ZIP of a text file
    Tests/InspectionTests/Resources/mail/*.eml the same kinds, one technique per file

With --lures, only the issue-5 lures (the format fixtures of the other test targets, carried by mail):
    Tests/InspectionTests/Resources/lures/*.eml
"""
import io
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import zlib
from email.header import Header
from email.mime.application import MIMEApplication
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import formataddr, formatdate

try:
    import pyzipper
except ImportError:  # pragma: no cover
    sys.exit("pyzipper is needed: .venv-fixtures/bin/pip install -r scripts/requirements-fixtures.txt")

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RES = os.path.join(ROOT, "Tests", "InspectionTests", "Resources", "mail")
EXAMPLES = os.path.join(ROOT, "Examples")
PASSWORD = "K7xQ2m"
DATE = "Tue, 07 Mar 2023 10:15:00 +0900"


def pe_stub() -> bytes:
    """A PE header that parses as a DLL and contains no code: MZ, e_lfanew, PE signature, COFF and optional header."""
    dos = bytearray(64)
    dos[0:2] = b"MZ"
    struct.pack_into("<I", dos, 0x3C, 64)
    coff = struct.pack("<4sHHIIIHH", b"PE\0\0", 0x8664, 0, 0x64000000, 0, 0, 240, 0x2022)
    optional = bytearray(240)
    struct.pack_into("<H", optional, 0, 0x20B)  # PE32+
    return bytes(dos) + coff + bytes(optional)


def zipcrypto(files: dict) -> bytes:
    """A ZipCrypto archive made by Info-ZIP's zip -P (what Japanese mailers and Emotet used)."""
    with tempfile.TemporaryDirectory() as d:
        names = []
        for name, data in files.items():
            with open(os.path.join(d, name), "wb") as f:
                f.write(data)
            names.append(name)
        out = os.path.join(d, "out.zip")
        env = dict(os.environ, LC_ALL="C.UTF-8")
        subprocess.run(["zip", "-q", "-X", "-P", PASSWORD, out] + names, cwd=d, check=True, env=env)
        with open(out, "rb") as f:
            return f.read()


def aes256(files: dict) -> bytes:
    buf = io.BytesIO()
    with pyzipper.AESZipFile(buf, "w", compression=pyzipper.ZIP_DEFLATED, encryption=pyzipper.WZ_AES) as z:
        z.setpassword(PASSWORD.encode())
        z.setencryption(pyzipper.WZ_AES, nbits=256)
        for name, data in files.items():
            z.writestr(name, data)
    return buf.getvalue()


def mail(subject, body, attachments, charset="iso-2022-jp", reply=True, sender=("経理部 山田", "yamada@partner.example.invalid")):
    msg = MIMEMultipart()
    msg["From"] = formataddr((str(Header(sender[0], charset)), sender[1]))
    msg["To"] = "tanaka@customer.example.invalid"
    msg["Subject"] = Header(subject, charset)
    msg["Date"] = DATE
    msg["Message-ID"] = "<fixture.%08x@example.invalid>" % zlib.crc32(body.encode())
    if reply:
        msg["In-Reply-To"] = "<thread.1@customer.example.invalid>"
    msg.attach(MIMEText(body, "plain", charset))
    for name, data in attachments:
        part = MIMEApplication(data, "zip" if name.endswith(".zip") else "octet-stream")
        part.add_header("Content-Disposition", "attachment", filename=("utf-8", "", name))
        msg.attach(part)
    return msg.as_bytes()


def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)
    print("wrote", os.path.relpath(path, ROOT), len(data), "bytes")


BODY_WITH_PASSWORD = (
    "田中様\n\nいつもお世話になっております。\n請求書を送付いたします。\nご確認のほどよろしくお願いいたします。\n\n"
    "ファイルを開く際のパスワード：" + PASSWORD + "\n\n経理部 山田\n"
)
BODY_WITHOUT_PASSWORD = (
    "田中様\n\nいつもお世話になっております。\n請求書を送付いたします。\nパスワードは別途お送りします。\n\n経理部 山田\n"
)
INVOICE_TEXT = "請求書 No.2023-0307\n合計 123,456 円\n".encode("utf-8")


def main():
    runnable = {"請求書.pdf.exe": pe_stub()}
    # One technique per file for the tests.
    write(os.path.join(RES, "zipcrypto-password-in-body.eml"),
          mail("Re: 【至急】請求書の件", BODY_WITH_PASSWORD, [("請求書.zip", zipcrypto(runnable))]))
    write(os.path.join(RES, "aes256-password-in-body.eml"),
          mail("Re: 【至急】請求書の件", BODY_WITH_PASSWORD, [("請求書.zip", aes256(runnable))]))
    write(os.path.join(RES, "aes256-no-password.eml"),
          mail("Re: 【至急】請求書の件", BODY_WITHOUT_PASSWORD, [("請求書.zip", aes256(runnable))]))
    write(os.path.join(RES, "zipcrypto-no-password.eml"),
          mail("Re: 【至急】請求書の件", BODY_WITHOUT_PASSWORD, [("請求書.zip", zipcrypto(runnable))]))
    write(os.path.join(RES, "ppap-clean.eml"),
          mail("請求書送付のご案内", BODY_WITH_PASSWORD, [("請求書.zip", zipcrypto({"請求書.txt": INVOICE_TEXT}))], reply=False))
    write(os.path.join(RES, "utf8-password-next-line.eml"),
          mail("Invoice", "Hello,\n\nThe password for the attached file is below.\n\n  " + PASSWORD + "\n\nRegards\n",
               [("invoice.zip", aes256({"invoice.txt": b"Invoice 42\n"}))], charset="utf-8", reply=False,
               sender=("Accounting", "accounting@partner.example.invalid")))
    write(os.path.join(RES, "double-extension.eml"),
          mail("書類", "ご確認ください。\n", [("書類.pdf.exe", pe_stub())], reply=False))
    # Bundled examples for the README.
    write(os.path.join(EXAMPLES, "emotet-style-reply.eml"),
          mail("Re: 【至急】請求書の件", BODY_WITH_PASSWORD, [("請求書.zip", zipcrypto(runnable))]))
    write(os.path.join(EXAMPLES, "ordinary-ppap.eml"),
          mail("請求書送付のご案内", BODY_WITH_PASSWORD, [("請求書.zip", zipcrypto({"請求書.txt": INVOICE_TEXT}))], reply=False))


def fixture(*parts) -> bytes:
    with open(os.path.join(ROOT, "Tests", *parts), "rb") as f:
        return f.read()


def lures():
    """Mails carrying the post-macro lures (built from the format targets' fixtures) and their benign twins."""
    out = os.path.join(ROOT, "Tests", "InspectionTests", "Resources", "lures")
    lnk = fixture("ShellLinkTests", "Resources", "fixtures", "powershell-enc.lnk")
    write(os.path.join(out, "lnk-in-password-zip.eml"),
          mail("Re: 【至急】請求書の件", BODY_WITH_PASSWORD, [("請求書.zip", zipcrypto({"請求書.pdf.lnk": lnk}))]))
    write(os.path.join(out, "onenote-wsf.eml"),
          mail("Re: 見積書の件", "ご確認ください。\n", [("見積書.one", fixture("OneNoteTests", "Resources", "fixtures", "lure-wsf.one"))]))
    write(os.path.join(out, "iso-lnk-dll.eml"),
          mail("Re: 請求書", "ご確認ください。\n", [("invoice.iso", fixture("DiskImageTests", "Resources", "lure.iso"))]))
    # Benign counterparts: a shortcut to a PDF, a OneNote section with a picture, an ISO of PDFs.
    write(os.path.join(out, "lnk-to-pdf.eml"),
          mail("資料のショートカット", BODY_WITH_PASSWORD,
               [("資料.zip", zipcrypto({"資料.lnk": fixture("ShellLinkTests", "Resources", "fixtures", "benign-pdf.lnk")}))],
               reply=False))
    write(os.path.join(out, "onenote-png.eml"),
          mail("議事録", "議事録を共有します。\n", [("議事録.one", fixture("OneNoteTests", "Resources", "fixtures", "picture-png.one"))], reply=False))
    write(os.path.join(out, "iso-pdfs.eml"),
          mail("資料一式", "資料一式です。\n", [("資料.iso", fixture("DiskImageTests", "Resources", "pdfs.iso"))], reply=False))


if __name__ == "__main__":
    if not shutil.which("zip"):
        sys.exit("Info-ZIP's zip is needed (apt-get install zip)")
    if "--lures" in sys.argv:
        lures()
    else:
        main()
