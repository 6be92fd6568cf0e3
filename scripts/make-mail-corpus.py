#!/usr/bin/env python3
"""Builds the labelled mail corpus of issue 6: Emotet-style messages and ordinary business mail, Japanese and English.

Every Emotet-style message combines the envelope tricks Emotet used (hijacked replies quoting a stolen thread, a
partner's display name on an unrelated address, addresses inside display names, lookalike and IDN domains,
Reply-To and Return-Path divergence, failed DMARC) with one payload. The payloads are the committed, benign format
fixtures of the other test targets (Office macros, Excel 4.0, DDE, shortcuts, OneNote, ISO, HTML smuggling,
scripts, RTF objects) or links only; nothing is rebuilt here except the containers (ZIPs) and a tiny PDF. The
ordinary messages are what Japanese and English business mail looks like every day: PPAP pairs, proper replies,
mailing lists that rewrite From, newsletters full of tracking links, calendar invites, clean Office files, PDFs.

Every domain is under example.* or .invalid, every IP a documentation address (RFC 5737). Regenerate with:

    python3 -m venv .venv-fixtures && .venv-fixtures/bin/pip install -r scripts/requirements-fixtures.txt
    .venv-fixtures/bin/python scripts/make-mail-corpus.py

Outputs (committed): Tests/InspectionTests/Resources/corpus/*.eml and labels.json. The ZIPs made with Info-ZIP's
`zip -P` and pyzipper carry random encryption headers, so a rerun changes those bytes and nothing else (boundaries,
dates and message IDs are fixed).
"""
import base64
import importlib.util
import json
import os
import quopri
import shutil
import subprocess
import sys
import tempfile
import zlib
from email import message_from_bytes, policy
from email.header import Header
from email.mime.base import MIMEBase
from email.mime.multipart import MIMEMultipart
from email.utils import formataddr

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "Tests", "InspectionTests", "Resources", "corpus")

# The helpers of make-mail-fixtures.py (zipcrypto, aes256, fixture, write): imported, not copied.
_spec = importlib.util.spec_from_file_location("make_mail_fixtures", os.path.join(ROOT, "scripts", "make-mail-fixtures.py"))
mf = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(mf)


# ---------------------------------------------------------------------------------------------------------------
# Containers and small documents
# ---------------------------------------------------------------------------------------------------------------

def zipcrypto(files, password):
    """A ZipCrypto archive (Info-ZIP zip -P) with this password; make-mail-fixtures' helper reads its PASSWORD."""
    old, mf.PASSWORD = mf.PASSWORD, password
    try:
        return mf.zipcrypto(files)
    finally:
        mf.PASSWORD = old


def aes256(files, password):
    old, mf.PASSWORD = mf.PASSWORD, password
    try:
        return mf.aes256(files)
    finally:
        mf.PASSWORD = old


def plainzip(files):
    """An unencrypted ZIP (Info-ZIP zip, UTF-8 names)."""
    with tempfile.TemporaryDirectory() as d:
        for name, data in files.items():
            with open(os.path.join(d, name), "wb") as f:
                f.write(data)
        out = os.path.join(d, "out.zip")
        env = dict(os.environ, LC_ALL="C.UTF-8")
        subprocess.run(["zip", "-q", "-X", out] + list(files), cwd=d, check=True, env=env)
        with open(out, "rb") as f:
            return f.read()


def padded_zip(doc_path, name, after_mb=100):
    """Emotet's March 2023 padding: a ZIP whose entry is the document followed by after_mb MiB of zeros, deflated
    as a stream by bench/make_padded_zip.py (about 100 KB for 100 MiB)."""
    with tempfile.TemporaryDirectory() as d:
        out = os.path.join(d, "padded.zip")
        subprocess.run([sys.executable, os.path.join(ROOT, "bench", "make_padded_zip.py"), "--before-mb", "0",
                        "--after-mb", str(after_mb), "--name", name, "--doc", doc_path, "--out", out],
                       check=True, stdout=subprocess.DEVNULL)
        with open(out, "rb") as f:
            return f.read()


def pdf(lines):
    """A one-page PDF 1.4 with a few lines of ASCII text in Helvetica (no scripts, no actions)."""
    text = "BT /F1 12 Tf 72 770 Td 16 TL " + " ".join("(%s) '" % l.replace("(", "[").replace(")", "]") for l in lines) + " ET"
    stream = text.encode("latin-1")
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, body in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    return bytes(out)


def fx(*parts):
    return mf.fixture(*parts)


VBA_DOC = ("OfficeMacrosTests", "Resources", "vba", "autoopen-powershell.doc")
VBA_DOCM = ("OfficeMacrosTests", "Resources", "vba", "autoopen-powershell.docm")
XLM_XLSM = ("OfficeMacrosTests", "Resources", "xlm", "synthetic", "macro.xlsm.zip")  # an OOXML .xlsm, zipped by nature
XLM_SLK = ("OfficeMacrosTests", "Resources", "xlm", "synthetic", "macro.slk")
DDE_DOCX = ("Corpus", "oletools", "msodde", "dde-test.docx")
LNK_PS = ("ShellLinkTests", "Resources", "fixtures", "powershell-enc.lnk")
LNK_FINDSTR = ("ShellLinkTests", "Resources", "fixtures", "findstr-vbs.lnk")
ONE_WSF = ("OneNoteTests", "Resources", "fixtures", "lure-wsf.one")
ISO_LURE = ("DiskImageTests", "Resources", "lure.iso")
HTML_BLOB = ("HTMLTests", "Resources", "smuggling-blob.html")
HTML_MSSAVE = ("HTMLTests", "Resources", "smuggling-mssave.html")
VBS = ("ScriptsTests", "Resources", "downloader.vbs")
VBE = ("ScriptsTests", "Resources", "downloader.vbe")
JSE = ("ScriptsTests", "Resources", "encoded.jse")
RTF_PKG = ("RTFTests", "Resources", "specimens", "package-vbs.rtf")
# Ordinary files.
CLEAN_DOCX = ("Corpus", "oletools", "msodde", "harmless-clean.docx")
NOAUTO_DOCM = ("OfficeMacrosTests", "Resources", "vba", "format-table.docm")
CLEAN_XLSX = ("Corpus", "oletools", "oleobj", "embedded-simple-2007.xlsx")
LNK_PDF = ("ShellLinkTests", "Resources", "fixtures", "benign-pdf.lnk")
ONE_PNG = ("OneNoteTests", "Resources", "fixtures", "picture-png.one")
ISO_PDFS = ("DiskImageTests", "Resources", "pdfs.iso")
HTML_NEWS = ("HTMLTests", "Resources", "benign-newsletter.html")

MIME_TYPES = {
    "zip": "application/zip", "doc": "application/msword", "pdf": "application/pdf",
    "docm": "application/vnd.ms-word.document.macroEnabled.12",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "xlsm": "application/vnd.ms-excel.sheet.macroEnabled.12", "slk": "application/vnd.ms-excel",
    "one": "application/onenote", "iso": "application/x-iso9660-image", "html": "text/html",
    "rtf": "application/rtf", "ics": "text/calendar",
}


# ---------------------------------------------------------------------------------------------------------------
# People and threads
# ---------------------------------------------------------------------------------------------------------------

TANAKA = ("田中 一郎", "tanaka@customer.example.jp")          # the recipient, 購買部 of the own organisation
TANAKA_EN = ("Ichiro Tanaka", "tanaka@customer.example.jp")
SUZUKI = ("鈴木 花子", "suzuki@customer.example.jp")
KEIRI_OWN = ("経理部 山本 健", "keiri@customer.example.jp")
YAMADA = ("山田 太郎", "yamada@partner.example.jp")           # partner staff
SATO = ("経理部 佐藤 美咲", "sato@partner.example.jp")
SMITH = ("John Smith", "john.smith@supplier.example.com")     # supplier staff
AP = ("Accounts Payable", "ap@supplier.example.com")
KOBAYASHI = ("小林 誠", "kobayashi@kobayashi-shoji.invalid")   # third parties of a stolen thread
ITO = ("伊藤 由美", "ito@hokuto-butsuryu.invalid")
JONES = ("Mary Jones", "mary.jones@harbor-logistics.invalid")
BROWN = ("Peter Brown", "p.brown@brown-retail.invalid")

MX = "mx.customer.example.jp"


def thread_ids(tag, domains):
    return ["<20230%d%02d%02d%02d.%s.%d@%s>" % (2, 20 + i, 9 + i, 10 + 7 * i, tag, i, d) for i, d in enumerate(domains)]


# A thread is a list of (from, to, date-ja, date-en, subject, body), oldest first.
THREAD_A = [  # 田中 (customer) and 山田 (partner): the change of the invoice address.
    (TANAKA, YAMADA, "2023年2月27日 10:12", "Monday, February 27, 2023 10:12 AM", "請求書送付先変更のお知らせ",
     "山田様\n\nいつもお世話になっております。カスタマー株式会社 購買部の田中です。\n"
     "3月より、請求書の送付先が経理部に変更となりますのでご連絡いたします。\n"
     "新しい送付先：経理部 山本（keiri@customer.example.jp）\n"
     "お手数をおかけしますが、よろしくお願いいたします。\n\n田中"),
    (YAMADA, TANAKA, "2023年2月28日 17:42", "Tuesday, February 28, 2023 5:42 PM", "RE: 請求書送付先変更のお知らせ",
     "田中様\n\nお世話になっております。パートナー株式会社の山田です。\n"
     "ご連絡ありがとうございます。承知いたしました。\n"
     "3月分の請求書より、新しい送付先へお送りいたします。\n"
     "また、先日お見積りした部材の納期は3月15日の予定です。\n"
     "引き続きどうぞよろしくお願いいたします。\n\n"
     "--\nパートナー株式会社 営業部\n山田 太郎\nTEL: 03-0000-0000"),
]
THREAD_A_IDS = thread_ids("a", ["customer.example.jp", "partner.example.jp"])

THREAD_B = [  # 小林 and 伊藤: a conversation between two other companies, stolen from one of them.
    (KOBAYASHI, ITO, "2023年3月1日 9:05", "Wednesday, March 1, 2023 9:05 AM", "見積依頼（倉庫保管料）",
     "伊藤様\n\nいつもお世話になっております。小林商事の小林でございます。\n"
     "4月からの倉庫保管料につきまして、お見積りをお願いできますでしょうか。\n"
     "パレット数は月平均120枚を想定しております。\n\n何卒よろしくお願い申し上げます。\n\n小林"),
    (ITO, KOBAYASHI, "2023年3月2日 14:30", "Thursday, March 2, 2023 2:30 PM", "RE: 見積依頼（倉庫保管料）",
     "小林様\n\nお世話になっております。北斗物流の伊藤です。\n"
     "お問い合わせいただきありがとうございます。\n"
     "見積書を作成中ですので、今週中にお送りいたします。\n"
     "保管場所は第二倉庫を予定しております。\n\n伊藤"),
]
THREAD_B_IDS = thread_ids("b", ["kobayashi-shoji.invalid", "hokuto-butsuryu.invalid"])

THREAD_C = [  # Ichiro Tanaka (customer) and John Smith (supplier): a purchase order.
    (TANAKA_EN, SMITH, "2023年2月24日 11:20", "Friday, February 24, 2023 11:20 AM", "Purchase order 4500123",
     "Hi John,\n\nPlease find our purchase order 4500123 for 200 units of part SX-200.\n"
     "Could you confirm the delivery date by the end of next week?\n\nBest regards,\nIchiro Tanaka\nPurchasing, Customer Co."),
    (SMITH, TANAKA_EN, "2023年2月27日 16:12", "Monday, February 27, 2023 4:12 PM", "RE: Purchase order 4500123",
     "Hello Ichiro,\n\nThank you for the order. We confirm delivery on March 14.\n"
     "Our invoice will follow once the goods have shipped.\n\nKind regards,\nJohn Smith\nSales, Supplier Inc."),
]
THREAD_C_IDS = thread_ids("c", ["customer.example.jp", "supplier.example.com"])

THREAD_D = [  # Mary Jones and Peter Brown: two other companies.
    (JONES, BROWN, "2023年3月3日 8:00", "Friday, March 3, 2023 8:00 AM", "Container pickup",
     "Hi Peter,\n\nThe container for your order will be ready for pickup on Monday at dock 4.\n"
     "Please bring the release note and the driver's ID.\n\nThanks,\nMary"),
    (BROWN, JONES, "2023年3月3日 9:41", "Friday, March 3, 2023 9:41 AM", "RE: Container pickup",
     "Mary,\n\nThanks - our driver will be there at 10am. Can you send the updated statement of account?\n\nPeter"),
]
THREAD_D_IDS = thread_ids("d", ["harbor-logistics.invalid", "brown-retail.invalid"])


def who(p):
    return "%s <%s>" % p


def quote(thread, style):
    """The thread as a mail client quotes it below a reply, newest message first."""
    out = []
    for (frm, to, dja, den, subj, body) in reversed(thread):
        if style == "outlook-ja":
            out.append("-----Original Message-----\n差出人: %s\n送信日時: %s\n宛先: %s\n件名: %s\n\n%s\n"
                       % (who(frm), dja, who(to), subj, body))
        elif style == "outlook-en":
            out.append("-----Original Message-----\nFrom: %s\nSent: %s\nTo: %s\nSubject: %s\n\n%s\n"
                       % (who(frm), den, who(to), subj, body))
        elif style == "gmail-ja":
            out.append("%s %s:\n\n%s\n" % (dja, who(frm), "\n".join("> " + l if l else ">" for l in body.split("\n"))))
        elif style == "gmail-en":
            out.append("On %s, %s wrote:\n\n%s\n" % (den, who(frm), "\n".join("> " + l if l else ">" for l in body.split("\n"))))
        else:
            raise ValueError(style)
    if style.startswith("gmail"):
        # Gmail nests: the older message is quoted one level deeper inside the newer one.
        text = out[0]
        for older in out[1:]:
            text += "\n".join("> " + l if l else ">" for l in older.split("\n")) + "\n"
        return text
    return "\n".join(out)


# ---------------------------------------------------------------------------------------------------------------
# Message building (compat32 MIME classes: the charsets Japanese mailers use, fixed boundaries)
# ---------------------------------------------------------------------------------------------------------------

def header_charset(charset):
    return "iso-2022-jp" if charset in ("iso-2022-jp", "shift_jis") else "utf-8"


def is_ascii(s):
    return all(ord(c) < 128 for c in s)


def address(person, charset):
    name, addr = person
    if not name:
        return addr
    if is_ascii(name):
        return formataddr((name, addr))
    h = Header(name, header_charset(charset))
    return "%s <%s>" % (h.encode(), addr)


def text_part(text, subtype="plain", charset="utf-8", cte=None, params=None):
    part = MIMEBase("text", subtype, charset="Shift_JIS" if charset == "shift_jis" else charset, **(params or {}))
    if charset == "iso-2022-jp":
        part.set_payload(text.encode("iso-2022-jp").decode("ascii"))
        part["Content-Transfer-Encoding"] = "7bit"
        return part
    data = text.encode("cp932" if charset == "shift_jis" else charset)
    cte = cte or "base64"
    if cte == "base64":
        part.set_payload(base64.encodebytes(data).decode("ascii"))
    elif cte == "quoted-printable":
        part.set_payload(quopri.encodestring(data).decode("ascii"))
    elif cte == "7bit":
        part.set_payload(data.decode("ascii"))
    part["Content-Transfer-Encoding"] = cte
    return part


def attachment(filename, data, charset, name_style="rfc2231", mime=None):
    ext = filename.rsplit(".", 1)[-1].lower()
    maintype, subtype = (mime or MIME_TYPES.get(ext, "application/octet-stream")).split("/")
    part = MIMEBase(maintype, subtype)
    part.set_payload(base64.encodebytes(data).decode("ascii"))
    part["Content-Transfer-Encoding"] = "base64"
    if is_ascii(filename):
        part.set_param("name", filename)
        part.add_header("Content-Disposition", "attachment", filename=filename)
    elif name_style == "rfc2047":
        # What Outlook and most Japanese mailers write: an encoded word inside the quoted parameter.
        encoded = Header(filename, header_charset(charset)).encode(maxlinelen=998)
        part.set_param("name", encoded)
        part.add_header("Content-Disposition", "attachment", filename=encoded)
    else:
        part.set_param("name", ("utf-8", "", filename))
        part.add_header("Content-Disposition", "attachment", filename=("utf-8", "", filename))
    return part


CORPUS = []


def message(file, label, language, description, techniques, *, frm, subject, text, to=(TANAKA,), cc=(),
            charset="iso-2022-jp", date="Tue, 07 Mar 2023 10:15:00 +0900", msgid=None, in_reply_to=None,
            references=None, reply_to=None, return_path=None, sender=None, list_id=None, list_headers=None,
            auth=None, received=None, html=None, calendar=None, attachments=(), name_style="rfc2231", cte=None,
            x_mailer=None):
    """Builds one message and records its label. attachments: (filename, bytes) pairs."""
    n = len(CORPUS) + 1
    boundary = "----=_Part_%s_%04d" % (file.split(".")[0].replace("-", "_"), n)
    hcs = header_charset(charset)
    body = text_part(text, "plain", charset, cte)
    if html is not None:
        alt = MIMEMultipart("alternative", boundary=boundary + ".alt")
        alt.attach(body)
        alt.attach(text_part(html, "html", "utf-8" if charset != "iso-2022-jp" else "utf-8", "quoted-printable"))
        body = alt
    if calendar is not None:
        alt = body if html is not None else MIMEMultipart("alternative", boundary=boundary + ".alt")
        if html is None:
            alt.attach(body)
        alt.attach(text_part(calendar, "calendar", "utf-8", "base64", params={"method": "REQUEST"}))
        body = alt
    if attachments:
        msg = MIMEMultipart("mixed", boundary=boundary)
        msg.attach(body)
        for fname, data in attachments:
            msg.attach(attachment(fname, data, charset, name_style))
    else:
        msg = body
        if "MIME-Version" not in msg:
            msg["MIME-Version"] = "1.0"
    # Headers in the order a receiving MTA leaves them: trace fields first.
    head = []
    if return_path is not None:
        head.append(("Return-Path", "<%s>" % return_path))
    for r in received or []:
        head.append(("Received", r))
    if auth is not None:
        head.append(("Authentication-Results", "%s; %s" % (MX, auth)))
    head.append(("From", address(frm, charset)))
    if sender is not None:
        head.append(("Sender", address(sender, charset)))
    head.append(("To", ", ".join(address(p, charset) for p in to)))
    if cc:
        head.append(("Cc", ", ".join(address(p, charset) for p in cc)))
    if reply_to is not None:
        head.append(("Reply-To", address(reply_to, charset)))
    head.append(("Subject", subject if is_ascii(subject) else Header(subject, hcs, header_name="Subject")))
    head.append(("Date", date))
    head.append(("Message-ID", msgid or "<%08x.%s@%s>" % (zlib.crc32(file.encode()), file.split("-")[0],
                                                         frm[1].split("@")[-1])))
    if in_reply_to is not None:
        head.append(("In-Reply-To", in_reply_to))
    if references is not None:
        head.append(("References", " ".join(references) if isinstance(references, list) else references))
    if list_id is not None:
        phrase, _, lid = list_id.rpartition(" ")
        head.append(("List-Id", lid if not phrase else "%s %s" % (
            phrase if is_ascii(phrase) else Header(phrase, "utf-8").encode(), lid)))
    for k, v in (list_headers or []):
        head.append((k, v))
    if x_mailer:
        head.append(("X-Mailer", x_mailer))
    # Put the envelope before the MIME headers the classes added.
    mime_headers = [(k, v) for k, v in msg.items()]
    for k in list(msg.keys()):
        del msg[k]
    for k, v in head + [h for h in mime_headers if h[0] != "MIME-Version"] + [("MIME-Version", "1.0")]:
        msg[k] = v
    data = msg.as_bytes()
    CORPUS.append({"file": file, "label": label, "techniques": techniques, "language": language,
                   "description": description, "_data": data})
    return msg["Message-ID"]


def received(helo, ip, host="mx.customer.example.jp", when="Tue, 07 Mar 2023 10:14:58 +0900"):
    return "from %s (%s [%s])\n\tby %s (Postfix) with ESMTPS id 4PW1x%02X;\n\t%s" % (
        helo, helo, ip, host, zlib.crc32(helo.encode()) & 0xFF, when)


def auth_fail(domain, ip):
    return ("spf=fail (sender IP is %s) smtp.mailfrom=%s; dkim=none (message not signed) header.d=none;"
            "\n\tdmarc=fail action=quarantine header.from=%s" % (ip, domain, domain))


def auth_pass(domain, ip):
    return ("spf=pass (sender IP is %s) smtp.mailfrom=%s; dkim=pass header.d=%s;\n\tdmarc=pass header.from=%s"
            % (ip, domain, domain, domain))


def auth_none(domain, ip):
    return ("spf=pass (sender IP is %s) smtp.mailfrom=%s; dkim=none; dmarc=none header.from=%s" % (ip, domain, domain))


# ---------------------------------------------------------------------------------------------------------------
# Emotet-style messages
# ---------------------------------------------------------------------------------------------------------------

JA_PW_BODY = "いつもお世話になっております。\n請求書を送付いたします。\nご確認のほどよろしくお願いいたします。\n\n"


def emotet():
    E = "emotet"
    doc, docm = fx(*VBA_DOC), fx(*VBA_DOCM)
    xlsm, slk, dde = fx(*XLM_XLSM), fx(*XLM_SLK), fx(*DDE_DOCX)

    message("e01-hijacked-reply-zipcrypto-doc.eml", E, "ja",
            "Reply to the stolen 請求書送付先変更 thread (In-Reply-To/References point at it), partner's name on an "
            "unrelated address, short text over the long quote, ZipCrypto ZIP of an AutoOpen+Shell .doc, "
            "password after パスワード：",
            ["thread.hijacked-reply", "thread.references-to-stolen-thread", "thread.sender-not-in-quote",
             "thread.short-text-long-quote", "sender.partner-name-unrelated-address",
             "zip.password-in-body", "office.vba-autoopen-shell"],
            frm=("山田 太郎", "yamada.t@hanamizuki-clinic.invalid"),
            subject="RE: 請求書送付先変更のお知らせ",
            text="田中様\n\n" + JA_PW_BODY + "ファイル：請求書_0307.zip\nパスワード：K7xQ2m\n\n山田\n\n" + quote(THREAD_A, "outlook-ja"),
            in_reply_to=THREAD_A_IDS[-1], references=THREAD_A_IDS,
            return_path="yamada.t@hanamizuki-clinic.invalid",
            received=[received("hanamizuki-clinic.invalid", "203.0.113.21")],
            attachments=[("請求書_0307.zip", zipcrypto({"請求書_0307.doc": doc}, "K7xQ2m"))], name_style="rfc2047")

    message("e02-department-name-aes-docm.eml", E, "ja",
            "返信: subject over a thread stolen between two other companies, no In-Reply-To/References, display "
            "name 経理部 山田 on an unrelated address, AES-256 ZIP of an AutoOpen .docm, password after PW:",
            ["thread.hijacked-reply", "thread.no-references", "thread.third-party-thread",
             "thread.sender-not-in-quote", "sender.partner-name-unrelated-address", "zip.password-in-body",
             "zip.aes", "office.vba-autoopen-shell"],
            frm=("経理部 山田", "info@kobe-kagu.invalid"),
            subject="返信: 見積依頼（倉庫保管料）",
            text="ご担当者様\n\n見積書をお送りします。\nよろしくお願いいたします。\n\nPW: Qm83xZpa\n\n" + quote(THREAD_B, "outlook-ja"),
            to=(ITO,),
            attachments=[("見積書.zip", aes256({"見積書.docm": docm}, "Qm83xZpa"))])

    message("e03-display-name-address-doc.eml", E, "ja",
            "Display name is the partner's address, the mail comes from another; reply to the stolen thread with "
            "matching references; a .doc with AutoOpen+Shell attached directly (the 2019-2020 form)",
            ["thread.hijacked-reply", "thread.references-to-stolen-thread", "thread.sender-not-in-quote",
             "sender.display-name-embedded-address", "office.vba-autoopen-shell"],
            frm=("yamada@partner.example.jp", "x@unrelated.example.invalid"),
            subject="Re: 請求書送付先変更のお知らせ",
            text="田中様\n\nお世話になっております。\n添付の見積書をご確認ください。\n\n山田\n\n" + quote(THREAD_A, "gmail-ja"),
            in_reply_to=THREAD_A_IDS[-1], references=THREAD_A_IDS,
            attachments=[("見積書.doc", doc)])

    message("e04-lookalike-digit-docm.eml", E, "en",
            "RE: to the stolen purchase-order thread from supp1ier.example.com (digit for letter) with a "
            "Reply-To elsewhere, AutoOpen+Shell .docm attached",
            ["thread.hijacked-reply", "thread.references-to-stolen-thread", "sender.lookalike-domain",
             "sender.reply-to-divergence", "thread.short-text-long-quote", "office.vba-autoopen-shell"],
            frm=SMITH[:1] + ("john.smith@supp1ier.example.com",),
            reply_to=("John Smith", "jsmith.billing@mailbox-relay.invalid"),
            subject="RE: Purchase order 4500123", charset="utf-8", cte="quoted-printable",
            text="Hi Ichiro,\n\nPlease see the attached invoice.\n\nJohn\n\n" + quote(THREAD_C, "outlook-en"),
            to=(TANAKA_EN,), in_reply_to=THREAD_C_IDS[-1], references=THREAD_C_IDS,
            attachments=[("Invoice_4500123.docm", docm)])

    message("e05-lookalike-hyphen-xlsm-zip.eml", E, "ja",
            "Partner's accounting name from partner-co.example.jp (lookalike of partner.example.jp), Reply-To "
            "to an unrelated address, ZipCrypto ZIP of an Excel 4.0 macro .xlsm, password after パスワード：",
            ["thread.hijacked-reply", "thread.references-to-stolen-thread", "sender.lookalike-domain",
             "sender.reply-to-divergence", "zip.password-in-body", "office.xlm-macro"],
            frm=("経理部 佐藤 美咲", "sato@partner-co.example.jp"),
            reply_to=("経理部 佐藤", "sato.keiri@freemail-box.invalid"),
            subject="Re: 請求書送付先変更のお知らせ",
            text="田中様\n\n" + JA_PW_BODY + "解凍パスワード：Hk29sLq\n\n経理部 佐藤\n\n" + quote(THREAD_A, "outlook-ja"),
            in_reply_to=THREAD_A_IDS[-1], references=THREAD_A_IDS,
            attachments=[("請求書.zip", zipcrypto({"請求書.xlsm": xlsm}, "Hk29sLq"))], name_style="rfc2047")

    message("e06-tld-swap-slk.eml", E, "en",
            "Accounts Payable of supplier.example.net (TLD swap of supplier.example.com), RE: with no "
            "references over a thread between two other companies, Excel 4.0 macro in a SYLK file",
            ["thread.hijacked-reply", "thread.no-references", "thread.third-party-thread",
             "thread.sender-not-in-quote", "sender.lookalike-tld-swap", "sender.partner-name-unrelated-address",
             "office.xlm-sylk"],
            frm=("Accounts Payable", "ap@supplier.example.net"),
            subject="RE: Container pickup", charset="utf-8",
            text="Hello,\n\nAttached is the updated statement of account.\n\nRegards\n\n" + quote(THREAD_D, "gmail-en"),
            to=(BROWN,), attachments=[("Statement_of_account.slk", slk)])

    idn = "xn--prtner-3nf.example.jp"  # pаrtner with a Cyrillic а
    message("e07-idn-homoglyph-dde.eml", E, "ja",
            "From the IDN homoglyph xn--prtner-3nf.example.jp (pаrtner with a Cyrillic а) with the partner's "
            "name, reply with matching references, Word document with a DDE field",
            ["thread.hijacked-reply", "thread.references-to-stolen-thread", "sender.lookalike-homoglyph-idn",
             "sender.partner-name-unrelated-address", "office.dde"],
            frm=("山田 太郎", "yamada@" + idn),
            subject="Re: 請求書送付先変更のお知らせ",
            text="田中様\n\nお世話になっております。\n契約書を添付いたします。ご確認ください。\n\n山田\n\n" + quote(THREAD_A, "outlook-ja"),
            in_reply_to=THREAD_A_IDS[-1], references=THREAD_A_IDS,
            attachments=[("契約書.docx", dde)])

    message("e08-padded-doc-zip.eml", E, "ja",
            "March 2023: reply to the stolen thread with a plain ZIP whose .doc (AutoOpen+Shell) is followed by "
            "100 MiB of zeros (about 100 KB compressed); 経理部 on an unrelated address",
            ["thread.hijacked-reply", "thread.references-to-stolen-thread", "thread.sender-not-in-quote",
             "sender.partner-name-unrelated-address", "office.padded-document", "office.vba-autoopen-shell"],
            frm=("経理部", "keiri@sakura-kensetsu.invalid"),
            subject="RE: 請求書送付先変更のお知らせ",
            text="田中様\n\n3月分の請求書を送付いたします。\nご確認ください。\n\n" + quote(THREAD_A, "outlook-ja"),
            in_reply_to=THREAD_A_IDS[-1], references=THREAD_A_IDS,
            attachments=[("請求書_0307.zip", padded_zip(os.path.join(ROOT, "Tests", *VBA_DOC), "請求書_0307.doc"))])

    message("e09-padded-doc-zip-en.eml", E, "en",
            "RE: over the stolen purchase-order thread, John Smith's name on an unrelated address, plain ZIP of a "
            "macro .doc padded with 100 MiB of zeros",
            ["thread.hijacked-reply", "thread.references-to-stolen-thread", "thread.sender-not-in-quote",
             "sender.partner-name-unrelated-address", "office.padded-document", "office.vba-autoopen-shell"],
            frm=("John Smith", "billing@vps-1187.invalid"), charset="utf-8",
            subject="RE: Purchase order 4500123",
            text="Ichiro,\n\nInvoice attached as requested.\n\n" + quote(THREAD_C, "gmail-en"),
            to=(TANAKA_EN,), in_reply_to=THREAD_C_IDS[-1], references=THREAD_C_IDS,
            auth=auth_none("vps-1187.invalid", "198.51.100.87"),
            attachments=[("Invoice_4500123.zip", padded_zip(os.path.join(ROOT, "Tests", *VBA_DOC), "Invoice_4500123.doc"))])

    message("e10-lnk-powershell-zipcrypto.eml", E, "ja",
            "Reply with references to the stolen thread, partner's name on an unrelated address with a "
            "Return-Path elsewhere, ZipCrypto ZIP of 請求書.pdf.lnk running powershell -EncodedCommand",
            ["thread.hijacked-reply", "thread.references-to-stolen-thread", "sender.partner-name-unrelated-address",
             "sender.return-path-divergence", "zip.password-in-body", "lnk.powershell-encoded"],
            frm=("山田 太郎", "t-yamada@nishi-koumuten.invalid"),
            return_path="bounce-8812@bulk-sender.invalid",
            subject="Re: 請求書送付先変更のお知らせ",
            text="田中様\n\n" + JA_PW_BODY + "パスワード：Zp4Wq8\n\n" + quote(THREAD_A, "outlook-ja"),
            in_reply_to=THREAD_A_IDS[-1], references=THREAD_A_IDS,
            attachments=[("請求書.zip", zipcrypto({"請求書.pdf.lnk": fx(*LNK_PS)}, "Zp4Wq8"))])

    message("e11-lnk-findstr-zip-en.eml", E, "en",
            "RE: with no references, supplier's name on an unrelated address, ZipCrypto ZIP of a shortcut that "
            "cuts a VBScript out of itself with findstr, password after 'Password:'",
            ["thread.hijacked-reply", "thread.no-references", "thread.sender-not-in-quote",
             "sender.partner-name-unrelated-address", "zip.password-in-body", "lnk.findstr-self-extract"],
            frm=("John Smith", "js@harborview-dental.invalid"), charset="utf-8",
            subject="RE: Purchase order 4500123",
            text="Hi,\n\nDelivery note attached.\nPassword: Rt5uX2\n\n" + quote(THREAD_C, "outlook-en"),
            to=(TANAKA_EN,), attachments=[("Delivery_Note.zip", zipcrypto({"Delivery_Note.lnk": fx(*LNK_FINDSTR)}, "Rt5uX2"))])

    message("e12-lnk-plain-zip.eml", E, "ja",
            "April 2022: 返信: with no references over a stolen third-party thread, plain ZIP of a findstr "
            "shortcut named like a document",
            ["thread.hijacked-reply", "thread.no-references", "thread.third-party-thread",
             "thread.sender-not-in-quote", "lnk.findstr-self-extract"],
            frm=("伊藤 由美", "ito.yumi@mail-hokuto.invalid"),
            subject="返信: 見積依頼（倉庫保管料）",
            text="小林様\n\n見積書をお送りいたします。\n\n伊藤\n\n" + quote(THREAD_B, "gmail-ja"),
            to=(KOBAYASHI,), attachments=[("見積書.zip", plainzip({"見積書.pdf.lnk": fx(*LNK_FINDSTR)}))])

    message("e13-onenote-display-name-address.eml", E, "ja",
            "Display name 山田 太郎（yamada@partner.example.jp）on an unrelated address, reply to the stolen thread "
            "without references, OneNote section embedding a .wsf behind 'double click'",
            ["thread.hijacked-reply", "thread.no-references", "sender.display-name-embedded-address",
             "sender.partner-name-unrelated-address", "onenote.embedded-script"],
            frm=("山田 太郎（yamada@partner.example.jp）", "mail@hokuriku-unyu.invalid"),
            subject="Re: 請求書送付先変更のお知らせ", charset="utf-8",
            text="田中様\n\n見積書をお送りします。ダブルクリックして開いてください。\n\n" + quote(THREAD_A, "outlook-ja"),
            attachments=[("見積書.one", fx(*ONE_WSF))])

    message("e14-onenote-address-name-en.eml", E, "en",
            "Display name is the supplier's address, sent from a fax-service lookalike, RE: without references, "
            "OneNote section with an embedded script",
            ["thread.hijacked-reply", "thread.no-references", "sender.display-name-embedded-address",
             "onenote.embedded-script"],
            frm=("john.smith@supplier.example.com", "noreply@cloud-fax.invalid"), charset="utf-8",
            subject="RE: Purchase order 4500123",
            text="Please open the attached document and double click to view.\n\n" + quote(THREAD_C, "outlook-en"),
            to=(TANAKA_EN,), attachments=[("Invoice_4500123.one", fx(*ONE_WSF))])

    message("e15-spoofed-dmarc-fail-iso.eml", E, "en",
            "From: the supplier's real address, spoofed: Authentication-Results spf=fail dmarc=fail, Return-Path "
            "elsewhere, RE: without references, ISO with a shortcut beside a hidden DLL",
            ["thread.hijacked-reply", "thread.no-references", "auth.dmarc-fail", "sender.return-path-divergence",
             "iso.lnk-dll"],
            frm=AP, return_path="mailer@vps-2231.invalid", charset="utf-8",
            received=[received("vps-2231.invalid", "203.0.113.66")],
            auth=auth_fail("supplier.example.com", "203.0.113.66"),
            subject="RE: Statement of account",
            text="Dear customer,\n\nYour statement of account is attached. Payment is overdue.\n\n" + quote(THREAD_C, "outlook-en"),
            to=(TANAKA_EN,), attachments=[("Statement.iso", fx(*ISO_LURE))])

    message("e16-iso-in-zipcrypto.eml", E, "ja",
            "Reply with references to the stolen thread, 経理部 name on an unrelated address, ZipCrypto ZIP of an "
            "ISO holding a shortcut and a hidden DLL, password after パスワード：",
            ["thread.hijacked-reply", "thread.references-to-stolen-thread", "sender.partner-name-unrelated-address",
             "zip.password-in-body", "iso.lnk-dll"],
            frm=("経理部 佐藤", "sato@shinano-seimitsu.invalid"),
            subject="RE: 請求書送付先変更のお知らせ",
            text="田中様\n\n納品書を送付いたします。\nパスワード：Nv7Yt3k\n\n" + quote(THREAD_A, "outlook-ja"),
            in_reply_to=THREAD_A_IDS[-1], references=THREAD_A_IDS,
            attachments=[("納品書.zip", zipcrypto({"納品書.iso": fx(*ISO_LURE)}, "Nv7Yt3k"))])

    message("e17-own-lookalike-html-smuggling.eml", E, "ja",
            "経理部 of the own company from custorner.example.jp (rn for m), HTML attachment smuggling a payload "
            "with a Blob and atob",
            ["sender.own-domain-lookalike", "sender.protected-name-outside", "html.smuggling"],
            frm=("経理部 山本", "keiri@custorner.example.jp"),
            subject="【経理部】請求書のご確認", charset="utf-8",
            text="田中さん\n\n経理部です。添付の請求書をブラウザで開いてご確認ください。\n\n経理部 山本\n",
            attachments=[("請求書.html", fx(*HTML_BLOB))])

    message("e18-own-domain-prefix-mssave.eml", E, "en",
            "Ichiro Tanaka of the own company from customer.example.jp.mail-secure.invalid (own domain as a "
            "prefix), Fw: without references, HTML attachment smuggling with msSaveOrOpenBlob",
            ["thread.forward-without-references", "sender.own-domain-lookalike", "sender.protected-name-outside",
             "html.smuggling"],
            frm=("Ichiro Tanaka", "tanaka@customer.example.jp.mail-secure.invalid"), charset="utf-8",
            subject="Fw: Payment confirmation",
            text="FYI - please check the payment confirmation below and the attachment.\n\n"
                 "---------- Forwarded message ---------\nFrom: Accounts Payable <ap@supplier.example.com>\n"
                 "Date: Mon, Mar 6, 2023 at 9:00 AM\nSubject: Payment confirmation\nTo: Ichiro Tanaka <tanaka@customer.example.jp>\n\n"
                 "Payment confirmation attached.\n",
            to=(SUZUKI,), attachments=[("Payment_Confirmation.html", fx(*HTML_MSSAVE))])

    message("e19-vbs-zipcrypto-next-line.eml", E, "ja",
            "Reply with references to the stolen thread, partner name on an unrelated address, ZipCrypto ZIP of "
            "a VBScript downloader, password on the line after 解凍パスワード",
            ["thread.hijacked-reply", "thread.references-to-stolen-thread", "sender.partner-name-unrelated-address",
             "thread.short-text-long-quote", "zip.password-in-body", "script.vbs-downloader"],
            frm=("山田 太郎", "yamada@ohmiya-sangyo.invalid"), charset="shift_jis",
            subject="Re: 請求書送付先変更のお知らせ",
            text="田中様\n\n発注書を送ります。\n解凍パスワードは以下のとおりです。\n\n  Wd82pQ\n\n" + quote(THREAD_A, "outlook-ja"),
            in_reply_to=THREAD_A_IDS[-1], references=THREAD_A_IDS,
            attachments=[("発注書.zip", zipcrypto({"発注書.vbs": fx(*VBS)}, "Wd82pQ"))], name_style="rfc2047")

    message("e20-vbe-aes-pw.eml", E, "en",
            "RE: over a stolen third-party thread without references, AES-256 ZIP of a Script-Encoded VBScript, "
            "password after PW:",
            ["thread.hijacked-reply", "thread.no-references", "thread.third-party-thread",
             "thread.sender-not-in-quote", "zip.password-in-body", "zip.aes", "script.vbe"],
            frm=("Mary Jones", "mjones@tidewater-print.invalid"), charset="utf-8",
            subject="RE: Container pickup",
            text="Peter,\n\nRelease note attached.\nPW: 5xKt9Q\n\nMary\n\n" + quote(THREAD_D, "outlook-en"),
            to=(BROWN,), attachments=[("Release_note.zip", aes256({"Release_note.vbe": fx(*VBE)}, "5xKt9Q"))])

    message("e21-forward-jse-zip.eml", E, "ja",
            "転送: subject without references, partner's name on an unrelated address, plain ZIP of an encoded "
            "JScript (.jse)",
            ["thread.forward-without-references", "sender.partner-name-unrelated-address", "script.jse"],
            frm=("山田 太郎", "yamada@chikuzen-shokai.invalid"),
            subject="転送: 請求書送付先変更のお知らせ",
            text="田中様\n\n下記の件、請求書を転送いたします。\n\n-------- 転送メッセージ --------\n"
                 + quote(THREAD_A[1:], "outlook-ja"),
            attachments=[("請求書.zip", plainzip({"請求書.jse": fx(*JSE)}))])

    message("e22-rtf-package-name-address.eml", E, "en",
            "Display name 'Accounts Payable <ap@supplier.example.com>' on an unrelated address, RE: with "
            "matching references to the stolen thread, RTF whose Package object holds a .vbs",
            ["thread.hijacked-reply", "thread.references-to-stolen-thread", "sender.display-name-embedded-address",
             "sender.partner-name-unrelated-address", "rtf.package-object"],
            frm=("Accounts Payable <ap@supplier.example.com>", "billing@wp-host-22.invalid"), charset="utf-8",
            subject="RE: Purchase order 4500123",
            text="Hello,\n\nPlease find the invoice attached.\n\n" + quote(THREAD_C, "outlook-en"),
            to=(TANAKA_EN,), in_reply_to=THREAD_C_IDS[-1], references=THREAD_C_IDS,
            attachments=[("Invoice_4500123.rtf", fx(*RTF_PKG))])

    message("e23-link-ip-wordpress.eml", E, "ja",
            "Links only: reply with references to the stolen thread, partner's name on an unrelated address, "
            "body link to a .doc under wp-content on an IP address",
            ["thread.hijacked-reply", "thread.references-to-stolen-thread", "thread.sender-not-in-quote",
             "sender.partner-name-unrelated-address", "url.ip-literal", "url.wordpress-download"],
            frm=("山田 太郎", "yamada@kansai-denki.invalid"),
            subject="Re: 請求書送付先変更のお知らせ",
            text="田中様\n\n請求書は下記よりダウンロードしてください。\n\nhttp://203.0.113.7/wp-content/uploads/invoice.doc\n\n山田\n\n"
                 + quote(THREAD_A, "outlook-ja"),
            in_reply_to=THREAD_A_IDS[-1], references=THREAD_A_IDS)

    message("e24-link-defanged.eml", E, "en",
            "Links only: RE: without references, supplier's name on an unrelated address, a defanged download "
            "link (hxxp, [.]) to a ZIP under wp-content",
            ["thread.hijacked-reply", "thread.no-references", "sender.partner-name-unrelated-address",
             "url.defanged", "url.wordpress-download"],
            frm=("John Smith", "john@pinecrest-motel.invalid"), charset="utf-8",
            subject="RE: Purchase order 4500123",
            text="Hi Ichiro,\n\nThe invoice is too large for email. Copy this link into your browser:\n\n"
                 "hxxp://supplier-docs[.]example[.]net/wp-content/uploads/2023/03/Invoice_4500123.zip\n\nJohn\n\n"
                 + quote(THREAD_C, "outlook-en"),
            to=(TANAKA_EN,))

    message("e25-ms-appinstaller.eml", E, "en",
            "Links only (December 2021): RE: with no references, a button whose link is "
            "ms-appinstaller:?source= an .appinstaller on an unrelated host, Reply-To divergence",
            ["thread.hijacked-reply", "thread.no-references", "sender.partner-name-unrelated-address",
             "sender.reply-to-divergence", "url.ms-appinstaller"],
            frm=("Accounts Payable", "ap@accounts-supplier.invalid"),
            reply_to=("Accounts Payable", "ap.reply@mailbox-relay.invalid"), charset="utf-8",
            subject="RE: Purchase order 4500123",
            text="Hello,\n\nYour PDF is ready. Open the preview:\n"
                 "ms-appinstaller:?source=https://pdf-preview.example.invalid/reader/Adobe_PDF.appinstaller\n\n"
                 + quote(THREAD_C, "outlook-en"),
            html='<html><body><p>Hello,</p><p>Your PDF is ready.</p>'
                 '<p><a href="ms-appinstaller:?source=https://pdf-preview.example.invalid/reader/Adobe_PDF.appinstaller" '
                 'style="background:#d00;color:#fff;padding:8px">Preview PDF</a></p>'
                 '<blockquote>' + quote(THREAD_C, "outlook-en").replace("&", "&amp;").replace("<", "&lt;").replace("\n", "<br>\n")
                 + '</blockquote></body></html>',
            to=(TANAKA_EN,))

    message("e26-link-text-mismatch.eml", E, "ja",
            "Links only: 経理部 name from partnar.example.jp (one letter off), reply with references, HTML link "
            "whose text shows https://www.partner.example.jp/... while it goes to a ZIP on an IP under wp-includes",
            ["thread.hijacked-reply", "thread.references-to-stolen-thread", "sender.lookalike-domain",
             "url.text-target-mismatch", "url.ip-literal", "url.wordpress-download"],
            frm=("経理部 佐藤 美咲", "sato@partnar.example.jp"), charset="utf-8",
            subject="Re: 請求書送付先変更のお知らせ",
            text="田中様\n\n請求書は以下のリンクからご確認ください。\nhttps://www.partner.example.jp/invoice/2023-0307\n\n"
                 + quote(THREAD_A, "outlook-ja"),
            html='<html><body><p>田中様</p><p>請求書は以下のリンクからご確認ください。</p>'
                 '<p><a href="http://198.51.100.23/wp-includes/docs/seikyu_0307.zip">https://www.partner.example.jp/invoice/2023-0307</a></p>'
                 '<blockquote>' + quote(THREAD_A, "outlook-ja").replace("&", "&amp;").replace("<", "&lt;").replace("\n", "<br>\n")
                 + '</blockquote></body></html>',
            in_reply_to=THREAD_A_IDS[-1], references=THREAD_A_IDS)

    message("e27-colleague-name-zipcrypto-doc-en.eml", E, "en",
            "A colleague's name (Ichiro Tanaka, own company) on an unrelated address, RE: without references, "
            "ZipCrypto ZIP of an AutoOpen+Shell .doc, password after 'The password is'",
            ["thread.hijacked-reply", "thread.no-references", "sender.protected-name-outside",
             "zip.password-in-body", "office.vba-autoopen-shell"],
            frm=("Ichiro Tanaka", "itanaka@sunrise-bakery.invalid"), charset="utf-8",
            subject="RE: Overdue invoice",
            text="Hanako,\n\nCan you process this today? The password is 3vHq7T\n\nIchiro\n\n" + quote(THREAD_C, "outlook-en"),
            to=(SUZUKI,), attachments=[("Overdue_invoice.zip", zipcrypto({"Overdue_invoice.doc": doc}, "3vHq7T"))])

    message("e28-soumu-xlsm-third-party.eml", E, "ja",
            "返信: over a stolen third-party thread without references, 総務部 on an unrelated address, Excel 4.0 "
            "macro .xlsm attached directly",
            ["thread.hijacked-reply", "thread.no-references", "thread.third-party-thread",
             "thread.sender-not-in-quote", "sender.protected-name-outside", "office.xlm-macro"],
            frm=("総務部", "soumu@kyushu-noen.invalid"),
            subject="返信: 見積依頼（倉庫保管料）",
            text="各位\n\n支払通知書を送付します。\n\n" + quote(THREAD_B, "outlook-ja"),
            to=(KOBAYASHI, ITO), attachments=[("支払通知書.xlsm", xlsm)], name_style="rfc2047")

    message("e29-dde-aes-en.eml", E, "en",
            "Supplier's name on an unrelated address with a Reply-To elsewhere, RE: with references, AES-256 ZIP "
            "of a .docx with a DDE field, password after 'Password for the file:'",
            ["thread.hijacked-reply", "thread.references-to-stolen-thread", "sender.partner-name-unrelated-address",
             "sender.reply-to-divergence", "zip.password-in-body", "zip.aes", "office.dde"],
            frm=("John Smith", "j.smith@maple-tax.invalid"),
            reply_to=("John Smith", "john.smith.supplier@freemail-box.invalid"), charset="utf-8",
            subject="RE: Purchase order 4500123",
            text="Ichiro,\n\nContract renewal attached.\nPassword for the file: Lp2Xv8m\n\n" + quote(THREAD_C, "outlook-en"),
            to=(TANAKA_EN,), in_reply_to=THREAD_C_IDS[-1], references=THREAD_C_IDS,
            attachments=[("Contract.zip", aes256({"Contract_renewal.docx": dde}, "Lp2Xv8m"))])

    message("e30-shift-jis-doc.eml", E, "ja",
            "Shift_JIS reply with references to the stolen thread, partner's name with a Return-Path elsewhere, "
            "a .doc with AutoOpen+Shell attached directly (RFC 2047 file name)",
            ["thread.hijacked-reply", "thread.references-to-stolen-thread", "thread.sender-not-in-quote",
             "sender.partner-name-unrelated-address", "sender.return-path-divergence", "office.vba-autoopen-shell"],
            frm=("パートナー 山田 太郎", "info@asahi-reform.invalid"), charset="shift_jis",
            return_path="postmaster@mass-mail-04.invalid",
            subject="Re: 請求書送付先変更のお知らせ",
            text="田中様\n\nいつもお世話になっております。\n請求書を添付いたします。\n\n山田\n\n" + quote(THREAD_A, "outlook-ja"),
            in_reply_to=THREAD_A_IDS[-1], references=THREAD_A_IDS,
            attachments=[("請求書.doc", doc)], name_style="rfc2047")


# ---------------------------------------------------------------------------------------------------------------
# Ordinary messages
# ---------------------------------------------------------------------------------------------------------------

def ordinary():
    O = "ordinary"
    partner_rx = [received("mail.partner.example.jp", "192.0.2.25")]
    supplier_rx = [received("mail.supplier.example.com", "198.51.100.10")]
    invoice_pdf = pdf(["Partner Co., Ltd.", "Invoice 2023-0307", "Total: 123,456 JPY"])
    quote_pdf = pdf(["Supplier Inc.", "Quotation Q-2023-0412", "SX-200 x 200: USD 12,000"])

    # PPAP pairs.
    first = message("o01-ppap-zip-ja.eml", O, "ja",
                    "PPAP, first mail: invoice PDF in a ZipCrypto ZIP, 'password in a separate mail', from the partner's "
                    "accounting staff, DMARC pass",
                    ["ppap.archive", "zip.encrypted-unopened", "auth.pass"],
                    frm=SATO, subject="請求書送付のご案内（2023年3月分）",
                    received=partner_rx, auth=auth_pass("partner.example.jp", "192.0.2.25"),
                    return_path="sato@partner.example.jp",
                    text="カスタマー株式会社\n経理部 山本様\n\nいつもお世話になっております。\nパートナー株式会社 経理部の佐藤です。\n\n"
                         "3月分の請求書を送付いたします。\n添付ファイルのパスワードは別途メールにてお送りいたします。\n\n"
                         "ご確認のほどよろしくお願いいたします。\n\n経理部 佐藤 美咲\n",
                    to=(KEIRI_OWN,), cc=(YAMADA,),
                    attachments=[("請求書_202303.zip", zipcrypto({"請求書_202303.pdf": invoice_pdf}, "Hn4sQ9wL"))],
                    name_style="rfc2047", msgid="<20230307101500.ppap1@partner.example.jp>")
    message("o02-ppap-password-ja.eml", O, "ja",
            "PPAP, second mail: the password of o01, sent separately by the same sender",
            ["ppap.password-mail", "auth.pass"],
            frm=SATO, subject="【パスワード通知】請求書送付のご案内（2023年3月分）",
            received=partner_rx, auth=auth_pass("partner.example.jp", "192.0.2.25"),
            return_path="sato@partner.example.jp", date="Tue, 07 Mar 2023 10:16:00 +0900",
            text="カスタマー株式会社\n経理部 山本様\n\n先ほどお送りしたメールの添付ファイルのパスワードをお知らせいたします。\n\n"
                 "パスワード：Hn4sQ9wL\n\n経理部 佐藤 美咲\n",
            to=(KEIRI_OWN,), references=[first])

    first = message("o03-ppap-zip-en.eml", O, "en",
                    "PPAP, first mail in English: AES-256 ZIP of a quotation PDF, password to follow",
                    ["ppap.archive", "zip.aes", "zip.encrypted-unopened", "auth.pass"],
                    frm=SMITH, subject="Quotation Q-2023-0412", charset="utf-8",
                    received=supplier_rx, auth=auth_pass("supplier.example.com", "198.51.100.10"),
                    text="Dear Ichiro,\n\nPlease find our quotation attached. The password will follow in a separate "
                         "email.\n\nKind regards,\nJohn Smith\n",
                    to=(TANAKA_EN,), msgid="<q-2023-0412.1@supplier.example.com>",
                    attachments=[("Quotation_Q-2023-0412.zip", aes256({"Quotation_Q-2023-0412.pdf": quote_pdf}, "tR7!kw2Z"))])
    message("o04-ppap-password-en.eml", O, "en",
            "PPAP, second mail in English: the password of o03",
            ["ppap.password-mail", "auth.pass"],
            frm=SMITH, subject="Password: Quotation Q-2023-0412", charset="utf-8", cte="7bit",
            received=supplier_rx, auth=auth_pass("supplier.example.com", "198.51.100.10"),
            date="Tue, 07 Mar 2023 10:17:00 +0900",
            text="Dear Ichiro,\n\nThe password for the quotation is: tR7!kw2Z\n\nJohn\n",
            to=(TANAKA_EN,), in_reply_to=first, references=[first])

    first = message("o05-ppap-sjis-docx.eml", O, "ja",
                    "PPAP in Shift_JIS: a clean .docx estimate in a ZipCrypto ZIP, password in a separate mail",
                    ["ppap.archive", "zip.encrypted-unopened", "office.clean"],
                    frm=YAMADA, subject="お見積書送付の件", charset="shift_jis", received=partner_rx,
                    text="田中様\n\nお世話になっております。パートナー株式会社の山田です。\n"
                         "ご依頼いただきましたお見積書をお送りいたします。\nパスワードは別途お送りいたします。\n\n山田 太郎\n",
                    attachments=[("見積書.zip", zipcrypto({"見積書.docx": fx(*CLEAN_DOCX)}, "pX3mW8eR"))],
                    name_style="rfc2047", msgid="<mitsumori.20230307@partner.example.jp>")
    message("o06-ppap-password-sjis.eml", O, "ja",
            "PPAP password mail in Shift_JIS for o05 (an automatic 'パスワード通知' of a PPAP gateway)",
            ["ppap.password-mail"],
            frm=("パスワード通知システム", "noreply-ppap@partner.example.jp"), charset="shift_jis",
            subject="[パスワード通知] お見積書送付の件", received=partner_rx, date="Tue, 07 Mar 2023 10:15:30 +0900",
            text="このメールはシステムより自動送信されています。\n\n件名：お見積書送付の件\n添付ファイル：見積書.zip\n"
                 "パスワード：pX3mW8eR\n",
            references=[first])

    # Proper replies.
    ids = thread_ids("o7", ["customer.example.jp"])
    message("o07-proper-reply-ja.eml", O, "ja",
            "A proper reply: the partner answers 田中's mail, In-Reply-To/References match, the quote is the "
            "conversation between the two of them (Gmail style); its ISO-2022-JP line 「また、先日お見積りした…予定です。」 "
            "is, as raw JIS bytes, a quoted CSV cell of the DDE form @service|topic!item (!\"@hF|…!#)",
            ["thread.proper-reply", "iso-2022-jp.dde-lookalike-bytes"],
            frm=YAMADA, subject="Re: 打ち合わせ日程のご相談", received=partner_rx,
            auth=auth_pass("partner.example.jp", "192.0.2.25"),
            text="田中様\n\nご連絡ありがとうございます。\nまた、先日お見積りした部材の納期は3月15日の予定です。\n3月10日（金）14時で問題ございません。\n当日はよろしくお願いいたします。\n\n山田\n\n"
                 "2023年3月6日(月) 9:30 田中 一郎 <tanaka@customer.example.jp>:\n\n> 山田様\n>\n"
                 "> お世話になっております。田中です。\n> 次回の打ち合わせですが、3月10日（金）14時はいかがでしょうか。\n>\n> 田中\n",
            in_reply_to=ids[0], references=ids)

    ids = thread_ids("o8", ["customer.example.jp", "supplier.example.com", "customer.example.jp"])
    message("o08-proper-reply-pdf-en.eml", O, "en",
            "A proper reply with a PDF quotation: references match, the quoted Outlook thread includes the sender",
            ["thread.proper-reply", "pdf"],
            frm=SMITH, subject="RE: Quote request SX-300", charset="utf-8", received=supplier_rx,
            auth=auth_pass("supplier.example.com", "198.51.100.10"),
            text="Hi Ichiro,\n\nHere is the quotation for SX-300 as discussed.\n\nBest,\nJohn\n\n"
                 "-----Original Message-----\nFrom: Ichiro Tanaka <tanaka@customer.example.jp>\nSent: Monday, March 6, 2023 3:00 PM\n"
                 "To: John Smith <john.smith@supplier.example.com>\nSubject: RE: Quote request SX-300\n\n"
                 "John,\n\n100 units would be fine. Please send the quote.\n\nIchiro\n\n"
                 "-----Original Message-----\nFrom: John Smith <john.smith@supplier.example.com>\nSent: Monday, March 6, 2023 11:00 AM\n"
                 "To: Ichiro Tanaka <tanaka@customer.example.jp>\nSubject: RE: Quote request SX-300\n\n"
                 "Ichiro,\n\nHow many units do you need?\n\nJohn\n",
            to=(TANAKA_EN,), in_reply_to=ids[-1], references=ids,
            attachments=[("Quotation_SX-300.pdf", pdf(["Supplier Inc.", "Quotation SX-300", "100 units"]))])

    ids = thread_ids("o9", ["customer.example.jp", "partner.example.jp", "customer.example.jp"])
    message("o09-proper-reply-docx-ja.eml", O, "ja",
            "A proper reply with a clean .docx (contract draft), references match, Outlook Japanese quote including "
            "the sender",
            ["thread.proper-reply", "office.clean"],
            frm=YAMADA, subject="RE: 契約書ドラフトの件", received=partner_rx,
            auth=auth_pass("partner.example.jp", "192.0.2.25"),
            text="田中様\n\n修正版の契約書ドラフトを添付いたします。\nご確認をお願いいたします。\n\n山田\n\n"
                 "-----Original Message-----\n差出人: 田中 一郎 <tanaka@customer.example.jp>\n送信日時: 2023年3月6日 16:20\n"
                 "宛先: 山田 太郎 <yamada@partner.example.jp>\n件名: RE: 契約書ドラフトの件\n\n"
                 "山田様\n\n第5条の支払条件について修正をお願いできますでしょうか。\n\n田中\n\n"
                 "-----Original Message-----\n差出人: 山田 太郎 <yamada@partner.example.jp>\n送信日時: 2023年3月3日 11:00\n"
                 "宛先: 田中 一郎 <tanaka@customer.example.jp>\n件名: 契約書ドラフトの件\n\n"
                 "田中様\n\n契約書のドラフトをお送りします。\n\n山田\n",
            in_reply_to=ids[-1], references=ids,
            attachments=[("契約書_修正版.docx", fx(*CLEAN_DOCX))], name_style="rfc2047")

    ids = thread_ids("o10", ["customer.example.jp"])
    message("o10-reply-macro-no-autoexec-en.eml", O, "en",
            "A proper reply with a .docm whose macro formats a table and has no auto-exec (a report template)",
            ["thread.proper-reply", "office.macro-without-autoexec"],
            frm=SMITH, subject="RE: Monthly report template", charset="utf-8", received=supplier_rx,
            auth=auth_pass("supplier.example.com", "198.51.100.10"),
            text="Ichiro,\n\nHere is the template with the table-formatting macro (run it from the Macros menu).\n\nJohn\n\n"
                 "On Mon, Mar 6, 2023 at 1:00 PM Ichiro Tanaka <tanaka@customer.example.jp> wrote:\n"
                 "> John, could you send the monthly report template?\n> Ichiro\n",
            to=(TANAKA_EN,), in_reply_to=ids[0], references=ids,
            attachments=[("Monthly_report_template.docm", fx(*NOAUTO_DOCM))])

    ids = thread_ids("o11", ["partner.example.jp"])
    message("o11-forward-internal-ja.eml", O, "ja",
            "An internal forward (転送:) from a colleague in the own domain of a partner's announcement, with "
            "References to the forwarded message",
            ["thread.proper-forward", "own-domain"],
            frm=SUZUKI, subject="転送: 新製品発表会のご案内", charset="utf-8",
            received=[received("mail01.customer.example.jp", "192.0.2.5")],
            auth=auth_pass("customer.example.jp", "192.0.2.5"),
            text="田中さん\n\n山田さんから発表会の案内が来ています。ご参考まで。\n\n鈴木\n\n"
                 "-------- 転送メッセージ --------\n件名: 新製品発表会のご案内\n日付: Mon, 6 Mar 2023 10:00:00 +0900\n"
                 "差出人: 山田 太郎 <yamada@partner.example.jp>\n宛先: 鈴木 花子 <suzuki@customer.example.jp>\n\n"
                 "鈴木様\n\n3月20日に新製品発表会を開催いたします。ぜひご参加ください。\n\n山田\n",
            in_reply_to=ids[0], references=ids)

    # Mailing lists that rewrite From.
    ml_headers = [("List-Post", "<mailto:partner-ml@lists.example.jp>"),
                  ("List-Unsubscribe", "<mailto:partner-ml-leave@lists.example.jp>"),
                  ("Precedence", "list")]
    first = message("o12-mailing-list-rewritten-ja.eml", O, "ja",
                    "Mailing-list mail whose From is rewritten to the list (\"Yamada via partner-ml\"), Reply-To "
                    "the author, List-Id and Sender of the list, list tag in the subject",
                    ["mailing-list.rewritten-from", "sender.reply-to-author"],
                    frm=("Yamada via partner-ml", "partner-ml@lists.example.jp"),
                    reply_to=YAMADA, sender=("", "partner-ml-bounces@lists.example.jp"),
                    return_path="partner-ml-bounces@lists.example.jp",
                    list_id="パートナー会 <partner-ml.lists.example.jp>", list_headers=ml_headers,
                    subject="[partner-ml:0123] 新製品発表会のご案内",
                    received=[received("lists.example.jp", "192.0.2.80")],
                    auth=auth_pass("lists.example.jp", "192.0.2.80"),
                    text="会員各位\n\nパートナー株式会社の山田です。\n3月20日に新製品発表会を開催いたします。\n"
                         "詳細は https://www.partner.example.jp/event/2023spring をご覧ください。\n\n山田\n"
                         "_______________________________________________\npartner-ml mailing list\n"
                         "https://lists.example.jp/mailman/listinfo/partner-ml\n",
                    to=(("", "partner-ml@lists.example.jp"),), msgid="<ml0123.20230306@partner.example.jp>")
    message("o13-mailing-list-reply-ja-name.eml", O, "ja",
            "A reply on the list: From rewritten to \"山田 太郎 via partner-ml\" (a protected-looking name on the "
            "list's domain), Reply-To the author, References to the list thread",
            ["mailing-list.rewritten-from", "thread.proper-reply", "sender.reply-to-author"],
            frm=("山田 太郎 via partner-ml", "partner-ml@lists.example.jp"), charset="utf-8",
            reply_to=YAMADA, sender=("", "partner-ml-bounces@lists.example.jp"),
            return_path="partner-ml-bounces@lists.example.jp",
            list_id="パートナー会 <partner-ml.lists.example.jp>", list_headers=ml_headers,
            subject="Re: [partner-ml:0124] 新製品発表会のご案内",
            received=[received("lists.example.jp", "192.0.2.80")],
            text="皆様\n\n会場の地図を追記します。\nhttps://www.partner.example.jp/access/\n\n山田\n\n"
                 "2023年3月6日(月) 10:00 山田 太郎 via partner-ml <partner-ml@lists.example.jp>:\n"
                 "> 3月20日に新製品発表会を開催いたします。\n",
            to=(("", "partner-ml@lists.example.jp"),), in_reply_to=first, references=[first])
    message("o14-mailing-list-address-name-en.eml", O, "en",
            "English list mail whose rewritten From shows the author's address in the display name "
            "(\"'john.smith@supplier.example.com' via users\"), Reply-To the author, List-Id",
            ["mailing-list.rewritten-from", "sender.reply-to-author"],
            frm=("'john.smith@supplier.example.com' via users", "users@lists.example.org"), charset="utf-8",
            reply_to=SMITH, sender=("", "users+owners@lists.example.org"),
            return_path="users+bncBC@lists.example.org",
            list_id="<users.lists.example.org>",
            list_headers=[("List-Unsubscribe", "<mailto:users+unsubscribe@lists.example.org>"),
                          ("List-Archive", "<https://lists.example.org/g/users>"), ("Precedence", "list")],
            subject="[users] New firmware 2.4 for SX-200",
            received=[received("lists.example.org", "198.51.100.200")],
            text="Hi all,\n\nFirmware 2.4 for the SX-200 is out: https://www.supplier.example.com/support/sx-200/firmware\n\n"
                 "John\n\n--\nYou received this message because you are subscribed to the users group.\n"
                 "To unsubscribe, send email to users+unsubscribe@lists.example.org.\n",
            to=(("", "users@lists.example.org"),))

    # Newsletters full of links.
    track = "https://click.esp-mail.example.net/ls/click?upn=u001.%s"
    news_html = (
        '<html><head><meta charset="utf-8"></head><body>'
        '<img src="https://www.partner.example.jp/wp-content/uploads/2023/03/header-banner.jpg" alt="パートナー通信">'
        '<h1>パートナー通信 2023年3月号</h1>'
        '<p><a href="' + track % "AbC1" + '">https://www.partner.example.jp/news/2023/03/new-product</a></p>'
        '<p><img src="https://www.partner.example.jp/wp-content/uploads/2023/03/product-sx.jpg" width="300"></p>'
        '<p>新製品SX-300を発売しました。<a href="' + track % "AbC2" + '">詳しくはこちら</a></p>'
        '<p><a href="' + track % "AbC3" + '">セミナー申込</a> | <a href="' + track % "AbC4" + '">事例紹介</a></p>'
        '<p><a href="https://www.partner.example.jp/wp-content/uploads/2023/03/catalog-2023.pdf">カタログ(PDF)</a></p>'
        '<p><a href="https://www.facebook.example.com/partner">Facebook</a> <a href="https://x.example.com/partner">X</a></p>'
        '<p style="font-size:10px">配信停止は<a href="https://esp-mail.example.net/unsubscribe?u=8812&amp;l=33">こちら</a></p>'
        '<img src="https://open.esp-mail.example.net/o/8812.gif" width="1" height="1" alt="">'
        '</body></html>')
    message("o15-newsletter-ja.eml", O, "ja",
            "Partner's newsletter via a delivery service: tracking redirects (link text shows the partner's URL, the "
            "href goes to the redirector), images under wp-content/uploads/*.jpg, a catalog PDF link, open pixel, "
            "List-Unsubscribe, Return-Path of the delivery service",
            ["newsletter", "url.tracking-redirect", "url.wordpress-images", "sender.return-path-esp"],
            frm=("パートナー通信", "news@mail.partner.example.jp"), charset="utf-8",
            return_path="bounce-8812-33@esp-mail.example.net",
            received=[received("mta12.esp-mail.example.net", "198.51.100.150")],
            auth=auth_pass("mail.partner.example.jp", "198.51.100.150"),
            list_headers=[("List-Unsubscribe", "<https://esp-mail.example.net/unsubscribe?u=8812&l=33>, <mailto:unsub-8812@esp-mail.example.net>"),
                          ("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"), ("Precedence", "bulk")],
            subject="【パートナー通信】2023年3月号 新製品SX-300発売のお知らせ",
            text="パートナー通信 2023年3月号\n\n新製品SX-300を発売しました。\n詳しくはこちら: " + track % "AbC2" +
                 "\n\nカタログ: https://www.partner.example.jp/wp-content/uploads/2023/03/catalog-2023.pdf\n\n"
                 "配信停止: https://esp-mail.example.net/unsubscribe?u=8812&l=33\n",
            html=news_html)

    en_html = (
        '<html><body><table width="600"><tr><td>'
        '<img src="https://www.supplier.example.com/wp-content/uploads/2023/03/march-hero.jpg" alt="Supplier news">'
        '<h2>March product update</h2>'
        '<p>Read the <a href="https://links.supplier-news.example.com/u/click?id=1&amp;url=https%3A%2F%2Fwww.supplier.example.com%2Fblog%2Fsx-300">SX-300 launch story</a>.</p>'
        '<p><a href="https://links.supplier-news.example.com/u/click?id=2">www.supplier.example.com/webinar</a></p>'
        '<p><a href="https://www.supplier.example.com/wp-content/uploads/2023/03/SX-300-datasheet.pdf">Datasheet (PDF)</a></p>'
        '<p><img src="https://www.supplier.example.com/wp-content/uploads/2023/02/team.png"></p>'
        '<p><a href="https://links.supplier-news.example.com/u/click?id=3">Events</a> &middot; '
        '<a href="https://links.supplier-news.example.com/u/click?id=4">Careers</a> &middot; '
        '<a href="https://www.linkedin.example.com/company/supplier">LinkedIn</a></p>'
        '<p><small><a href="https://links.supplier-news.example.com/unsubscribe?id=991">Unsubscribe</a> | '
        '<a href="https://www.supplier.example.com/privacy">Privacy</a></small></p>'
        '<img src="https://links.supplier-news.example.com/open/991.gif" width="1" height="1">'
        '</td></tr></table></body></html>')
    message("o16-newsletter-en.eml", O, "en",
            "Supplier's English newsletter: click-tracking links (one shows www.supplier.example.com/webinar as "
            "text), wp-content images and a datasheet PDF, unsubscribe link, List-Unsubscribe",
            ["newsletter", "url.tracking-redirect", "url.wordpress-images"],
            frm=("Supplier Inc. News", "news@supplier.example.com"), charset="utf-8",
            return_path="bounces+991@links.supplier-news.example.com",
            received=[received("o1.links.supplier-news.example.com", "198.51.100.160")],
            auth=auth_pass("supplier.example.com", "198.51.100.160"),
            list_headers=[("List-Unsubscribe", "<https://links.supplier-news.example.com/unsubscribe?id=991>"),
                          ("Precedence", "bulk")],
            subject="March product update: SX-300, webinar, datasheet",
            text="March product update\n\nSX-300 launch story: https://links.supplier-news.example.com/u/click?id=1\n"
                 "Datasheet: https://www.supplier.example.com/wp-content/uploads/2023/03/SX-300-datasheet.pdf\n"
                 "Unsubscribe: https://links.supplier-news.example.com/unsubscribe?id=991\n",
            html=en_html, to=(TANAKA_EN,))

    message("o17-newsletter-html-attachment.eml", O, "en",
            "A newsletter forwarded as an HTML attachment (analytics script, forms, tracking pixel; no smuggling)",
            ["newsletter", "html.benign-attachment"],
            frm=SMITH, subject="Fw: January newsletter", charset="utf-8", received=supplier_rx,
            text="Ichiro,\n\nForwarding the newsletter I mentioned, see the attachment.\n\nJohn\n",
            to=(TANAKA_EN,), attachments=[("newsletter-january.html", fx(*HTML_NEWS))])

    # Calendar invites.
    ics_ja = ("BEGIN:VCALENDAR\r\nPRODID:-//Example//Calendar 1.0//JA\r\nVERSION:2.0\r\nMETHOD:REQUEST\r\n"
              "BEGIN:VEVENT\r\nUID:20230310T050000Z-teirei@partner.example.jp\r\nDTSTAMP:20230307T011500Z\r\n"
              "DTSTART;TZID=Asia/Tokyo:20230310T140000\r\nDTEND;TZID=Asia/Tokyo:20230310T150000\r\n"
              "SUMMARY:定例打ち合わせ（3月）\r\nLOCATION:https://meet.partner.example.jp/j/1234567890\r\n"
              "ORGANIZER;CN=山田 太郎:mailto:yamada@partner.example.jp\r\n"
              "ATTENDEE;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE;CN=田中 一郎:mailto:tanaka@customer.example.jp\r\n"
              "DESCRIPTION:議題：納期調整、新製品の紹介\\n会議URL：https://meet.partner.example.jp/j/1234567890\r\n"
              "SEQUENCE:0\r\nSTATUS:CONFIRMED\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")
    message("o18-calendar-invite-ja.eml", O, "ja",
            "A calendar invite (text/calendar; method=REQUEST) from the partner with a meeting URL",
            ["calendar.invite"],
            frm=YAMADA, subject="招待: 定例打ち合わせ（3月） - 2023年3月10日(金) 14:00～15:00".replace("～", "-"),
            received=partner_rx, auth=auth_pass("partner.example.jp", "192.0.2.25"),
            text="定例打ち合わせ（3月）\n日時：2023年3月10日(金) 14:00-15:00\n場所：https://meet.partner.example.jp/j/1234567890\n"
                 "議題：納期調整、新製品の紹介\n",
            calendar=ics_ja)
    ics_en = ("BEGIN:VCALENDAR\r\nPRODID:-//Example//Calendar 1.0//EN\r\nVERSION:2.0\r\nMETHOD:REQUEST\r\n"
              "BEGIN:VTIMEZONE\r\nTZID:Asia/Tokyo\r\nBEGIN:STANDARD\r\nDTSTART:19700101T000000\r\nTZOFFSETFROM:+0900\r\n"
              "TZOFFSETTO:+0900\r\nTZNAME:JST\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\n"
              "BEGIN:VEVENT\r\nUID:qbr-2023q1@supplier.example.com\r\nDTSTAMP:20230307T000000Z\r\n"
              "DTSTART;TZID=Asia/Tokyo:20230315T100000\r\nDTEND;TZID=Asia/Tokyo:20230315T110000\r\n"
              "SUMMARY:Quarterly business review\r\nLOCATION:Conference room B / https://meet.supplier.example.com/qbr\r\n"
              "ORGANIZER;CN=John Smith:mailto:john.smith@supplier.example.com\r\n"
              "ATTENDEE;PARTSTAT=NEEDS-ACTION;RSVP=TRUE;CN=Ichiro Tanaka:mailto:tanaka@customer.example.jp\r\n"
              "ATTENDEE;PARTSTAT=ACCEPTED;CN=John Smith:mailto:john.smith@supplier.example.com\r\n"
              "END:VEVENT\r\nEND:VCALENDAR\r\n")
    message("o19-calendar-invite-en.eml", O, "en",
            "A calendar invite in English (multipart/alternative with text/calendar method=REQUEST) and the .ics "
            "attached",
            ["calendar.invite"],
            frm=SMITH, subject="Invitation: Quarterly business review @ Wed Mar 15, 2023 10am - 11am (JST)",
            charset="utf-8", received=supplier_rx, auth=auth_pass("supplier.example.com", "198.51.100.10"),
            text="Quarterly business review\nWed Mar 15, 2023 10am - 11am (JST)\nhttps://meet.supplier.example.com/qbr\n",
            calendar=ics_en, to=(TANAKA_EN,), attachments=[("invite.ics", ics_en.encode())])

    # Clean Office files, PDFs.
    message("o20-internal-minutes-docx.eml", O, "ja",
            "Internal mail from a colleague (UTF-8, base64) with clean .docx minutes",
            ["own-domain", "office.clean"],
            frm=SUZUKI, subject="3/6 定例会議 議事録", charset="utf-8",
            received=[received("mail01.customer.example.jp", "192.0.2.5")],
            text="関係者各位\n\n3月6日の定例会議の議事録を共有します。\n修正があればご連絡ください。\n\n鈴木\n",
            to=(TANAKA, KEIRI_OWN), attachments=[("議事録_0306.docx", fx(*CLEAN_DOCX))])
    message("o21-price-list-xlsx-en.eml", O, "en",
            "Supplier sends a clean .xlsx price list (with an embedded text object)",
            ["office.clean"],
            frm=SMITH, subject="Updated price list 2023", charset="utf-8", received=supplier_rx,
            auth=auth_pass("supplier.example.com", "198.51.100.10"),
            text="Hi Ichiro,\n\nAttached is our updated price list, valid from April 1.\n\nJohn\n",
            to=(TANAKA_EN,), attachments=[("Price_list_2023.xlsx", fx(*CLEAN_XLSX))])
    message("o22-macro-template-ja.eml", O, "ja",
            "A partner shares a report template .docm whose macro only formats a table (no auto-exec)",
            ["office.macro-without-autoexec"],
            frm=YAMADA, subject="月次報告書テンプレートの送付", received=partner_rx,
            text="田中様\n\n月次報告書のテンプレートをお送りします。\n表の書式はマクロ「FormatTable」で整えられます。\n\n山田\n",
            attachments=[("月次報告書テンプレート.docm", fx(*NOAUTO_DOCM))], name_style="rfc2047")
    message("o23-pdf-quote-ja.eml", O, "ja",
            "ISO-2022-JP mail with a PDF estimate from the partner",
            ["pdf"],
            frm=YAMADA, subject="お見積書（SX-300）", received=partner_rx,
            auth=auth_pass("partner.example.jp", "192.0.2.25"),
            text="田中様\n\nSX-300のお見積書をPDFにてお送りいたします。\nご査収のほどよろしくお願いいたします。\n\n山田\n",
            attachments=[("見積書_SX-300.pdf", pdf(["Partner Co., Ltd.", "Estimate SX-300", "Total: 1,200,000 JPY"]))],
            name_style="rfc2047")
    message("o24-pdf-invoice-en.eml", O, "en",
            "Supplier's Accounts Payable sends an invoice PDF (DMARC pass)",
            ["pdf", "auth.pass"],
            frm=AP, subject="Invoice INV-2023-0311 for PO 4500123", charset="utf-8", received=supplier_rx,
            auth=auth_pass("supplier.example.com", "198.51.100.10"),
            text="Dear customer,\n\nPlease find invoice INV-2023-0311 attached. Payment terms: 30 days.\n\nAccounts Payable\nSupplier Inc.\n",
            to=(TANAKA_EN,), attachments=[("INV-2023-0311.pdf", pdf(["Supplier Inc.", "Invoice INV-2023-0311", "USD 12,000"]))])

    # The benign twins of the issue-5 lures.
    message("o25-lnk-to-pdf-zip.eml", O, "ja",
            "A shortcut to a PDF on a file server, in a ZipCrypto ZIP with the password in the body",
            ["zip.password-in-body", "lnk.benign-target"],
            frm=SUZUKI, subject="共有フォルダの資料へのショートカット", charset="utf-8",
            received=[received("mail01.customer.example.jp", "192.0.2.5")],
            text="田中さん\n\n共有フォルダの資料へのショートカットです。\nパスワード：Sh0rtCut\n\n鈴木\n",
            attachments=[("資料.zip", zipcrypto({"資料.lnk": fx(*LNK_PDF)}, "Sh0rtCut"))])
    message("o26-onenote-picture.eml", O, "ja",
            "Meeting notes as a OneNote section with a picture",
            ["onenote.picture"],
            frm=YAMADA, subject="打ち合わせメモ（OneNote）", charset="utf-8", received=partner_rx,
            text="田中様\n\n本日の打ち合わせメモをOneNoteで共有します。\n\n山田\n",
            attachments=[("打ち合わせメモ.one", fx(*ONE_PNG))])
    message("o27-iso-pdfs-en.eml", O, "en",
            "A disk image of PDF manuals",
            ["iso.documents"],
            frm=SMITH, subject="SX-300 manuals (ISO image)", charset="utf-8", received=supplier_rx,
            text="Ichiro,\n\nAs requested, the SX-300 manuals as an ISO image.\n\nJohn\n",
            to=(TANAKA_EN,), attachments=[("SX-300_manuals.iso", fx(*ISO_PDFS))])

    message("o28-internal-keiri-sjis.eml", O, "ja",
            "The own 経理部 (a protected name) writes from the own domain, Shift_JIS, no attachment",
            ["own-domain", "sender.protected-name-inside"],
            frm=KEIRI_OWN, subject="【経理部】3月分経費精算の締め切りについて", charset="shift_jis",
            received=[received("mail01.customer.example.jp", "192.0.2.5")],
            text="各位\n\n3月分の経費精算の締め切りは3月31日（金）です。\n期限までに申請をお願いします。\n\n経理部 山本\n",
            to=(("全社員", "all@customer.example.jp"),))
    ids = thread_ids("o29", ["customer.example.jp"])
    message("o29-reply-with-link-en.eml", O, "en",
            "A proper reply with links to the supplier's own site (a catalog PDF, a support page)",
            ["thread.proper-reply", "url.ordinary"],
            frm=SMITH, subject="Re: Catalog", charset="utf-8", cte="7bit", received=supplier_rx,
            auth=auth_pass("supplier.example.com", "198.51.100.10"),
            text="Ichiro,\n\nThe catalog is here: https://www.supplier.example.com/docs/catalog-2023.pdf\n"
                 "Support pages: https://www.supplier.example.com/support/\n\nJohn\n\n"
                 "On Mon, Mar 6, 2023 at 5:00 PM Ichiro Tanaka <tanaka@customer.example.jp> wrote:\n"
                 "> Hi John, where can I find the 2023 catalog?\n",
            to=(TANAKA_EN,), in_reply_to=ids[0], references=ids)
    message("o30-file-share-notice-ja.eml", O, "ja",
            "A file-sharing notice (the PPAP replacement): a download link on the partner's file server and the "
            "password in the body",
            ["url.file-share", "password-in-body"],
            frm=("パートナー ファイル共有", "fileshare@partner.example.jp"), charset="utf-8",
            received=partner_rx, auth=auth_pass("partner.example.jp", "192.0.2.25"),
            subject="【ファイル共有】山田 太郎さんからファイルが届いています",
            text="山田 太郎さんから田中 一郎さんにファイルが共有されました。\n\nファイル名：図面一式.zip\n"
                 "ダウンロード：https://files.partner.example.jp/s/AbC123xyz\nパスワード：Fs8kLm2Q\n有効期限：2023年3月14日\n")


def main():
    if not shutil.which("zip"):
        sys.exit("Info-ZIP's zip is needed (apt-get install zip)")
    emotet()
    ordinary()
    os.makedirs(OUT, exist_ok=True)
    for old in os.listdir(OUT):
        if old.endswith(".eml"):
            os.remove(os.path.join(OUT, old))
    labels = []
    for item in CORPUS:
        data = item.pop("_data")
        # Every message must parse with the standard library's modern parser, without defects in its headers.
        parsed = message_from_bytes(data, policy=policy.default)
        assert parsed["From"] is not None and parsed["Subject"] is not None, item["file"]
        for part in parsed.walk():
            if part.get_content_maintype() != "multipart":
                part.get_content()
        path = os.path.join(OUT, item["file"])
        with open(path, "wb") as f:
            f.write(data)
        labels.append(item)
    with open(os.path.join(OUT, "labels.json"), "w", encoding="utf-8") as f:
        json.dump(labels, f, ensure_ascii=False, indent=1)
        f.write("\n")
    counts = {}
    for item in labels:
        counts[item["label"], item["language"]] = counts.get((item["label"], item["language"]), 0) + 1
    total = sum(os.path.getsize(os.path.join(OUT, i["file"])) for i in labels)
    print("wrote %d messages (%s), %d bytes, and labels.json" % (
        len(labels), ", ".join("%s/%s: %d" % (k[0], k[1], v) for k, v in sorted(counts.items())), total))


if __name__ == "__main__":
    main()
