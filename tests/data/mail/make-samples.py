#!/usr/bin/env python3
"""Writes the sample messages in this folder. Each imitates what a real mail client sends (headers,
boundaries, encodings) with known text, so TestMessageParser can assert exact decoded strings.
Run from this folder; the .eml files are committed, this script only documents how they were made."""
import base64
import quopri

CRLF = b"\r\n"


def msg(lines, body=b"", eol=CRLF):
    head = eol.join(l if isinstance(l, bytes) else l.encode("ascii") for l in lines)
    return head + eol + eol + body


def b64(data, width=76):
    s = base64.b64encode(data)
    return CRLF.join(s[i:i + width] for i in range(0, len(s), width)) + CRLF


def qp(data):
    return quopri.encodestring(data).replace(b"\n", CRLF)


def ew(text, charset, enc="B"):
    data = text.encode(charset)
    if enc == "B":
        return "=?%s?B?%s?=" % (charset, base64.b64encode(data).decode())
    return "=?%s?Q?%s?=" % (charset, "".join(
        "_" if c == 0x20 else chr(c) if (0x30 <= c < 0x7f and chr(c) not in "=?_") or chr(c).isalpha() and c < 0x80
        else "=%02X" % c for c in data))


def common(subject, frm="Sender <sender@example.com>", to="Recipient <rcpt@example.org>",
           date="Tue, 14 Nov 2023 09:15:00 +0100", mid="<sample@example.com>"):
    out = ["From: " + frm, "To: " + to, "Subject: " + subject]
    if date:
        out.append("Date: " + date)
    out += ["Message-ID: " + mid, "MIME-Version: 1.0"]
    return out


samples = {}

t = "Grüße aus München, café à la crème.\n"
samples["iso-8859-1.eml"] = msg(common(ew("Grüße", "iso-8859-1", "Q")) + [
    "Content-Type: text/plain; charset=iso-8859-1", "Content-Transfer-Encoding: quoted-printable"],
    qp(t.encode("iso-8859-1")))

t = "Zażółć gęślą jaźń.\n"
samples["iso-8859-2.eml"] = msg(common(ew("Zażółć gęślą jaźń", "iso-8859-2")) + [
    "Content-Type: text/plain; charset=\"ISO-8859-2\"", "Content-Transfer-Encoding: base64"],
    b64(t.encode("iso-8859-2")))

t = "Prix : 100 € pour l'œuvre de Ÿves.\n"
samples["iso-8859-15.eml"] = msg(common("=?ISO-8859-15?Q?Prix_100_=A4?=") + [
    "Content-Type: text/plain; charset=iso-8859-15", "Content-Transfer-Encoding: 8bit"],
    t.encode("iso-8859-15").replace(b"\n", CRLF))

t = "Привет, мир! Это письмо в кодировке windows-1251.\n"
samples["windows-1251.eml"] = msg(common(ew("Привет", "windows-1251")) + [
    "Content-Type: text/plain; charset=windows-1251", "Content-Transfer-Encoding: 8bit"],
    t.encode("windows-1251").replace(b"\n", CRLF))

t = "“Smart quotes” – only €5 … really.\n"
samples["windows-1252.eml"] = msg(common(ew("“Quoted” – €5", "windows-1252", "Q")) + [
    "Content-Type: text/plain; charset=\"Windows-1252\"", "Content-Transfer-Encoding: quoted-printable"],
    qp(t.encode("windows-1252")))

t = "Съешь же ещё этих мягких французских булок, да выпей чаю.\n"
samples["koi8-r.eml"] = msg(common(ew("Съешь же ещё", "koi8-r")) + [
    "Content-Type: text/plain; charset=koi8-r", "Content-Transfer-Encoding: base64"],
    b64(t.encode("koi8-r")))

t = "こんにちは世界。日本語のメールです。\n"
samples["iso-2022-jp.eml"] = msg(common(ew("日本語の件名", "iso-2022-jp")) + [
    "Content-Type: text/plain; charset=ISO-2022-JP", "Content-Transfer-Encoding: 7bit"],
    t.encode("iso-2022-jp").replace(b"\n", CRLF))

t = "シフトJISの本文です。①②③\n"  # circled digits exist only in cp932, labelled Shift_JIS by Outlook
samples["shift_jis.eml"] = msg(common(ew("シフトJIS", "shift_jis")) + [
    "Content-Type: text/plain; charset=Shift_JIS", "Content-Transfer-Encoding: base64"],
    b64(t.encode("cp932")))

t = "你好，世界！王喆的邮件。\n"  # 喆 is GBK-only, labelled gb2312 as many clients do
samples["gb2312.eml"] = msg(common("=?gb2312?B?%s?=" % base64.b64encode("你好".encode("gb2312")).decode()) + [
    "Content-Type: text/plain; charset=gb2312", "Content-Transfer-Encoding: base64"],
    b64(t.encode("gbk")))

t = "繁體中文測試郵件。\n"
samples["big5.eml"] = msg(common(ew("繁體中文", "big5")) + [
    "Content-Type: text/plain; charset=big5", "Content-Transfer-Encoding: base64"],
    b64(t.encode("big5")))

t = "\ufeffHello ✓ with a byte order mark.\n"
samples["utf8-bom.eml"] = msg(common("BOM") + [
    "Content-Type: text/plain; charset=utf-8", "Content-Transfer-Encoding: 8bit"],
    t.encode("utf-8").replace(b"\n", CRLF))

samples["qp-soft-breaks.eml"] = msg(common("Soft breaks") + [
    "Content-Type: text/plain; charset=UTF-8", "Content-Transfer-Encoding: quoted-printable"],
    b"This line is long enough that a mail client had to break it with soft line =\r\n"
    b"breaks, and it also contains an equals sign =3D and a caf=C3=A9.\r\n"
    b"Second line.=\r\n")

# Subject split inside a multibyte character: "Ünïcödé ✓ test" with the ✓ (3 bytes) split across
# two encoded words. Display name as encoded word inside quotes, encoded words without a space.
subj = "Ünïcödé ✓ test".encode("utf-8")
cut = subj.index("✓".encode("utf-8")) + 1
w1 = "=?UTF-8?B?%s?=" % base64.b64encode(subj[:cut]).decode()
w2 = "=?UTF-8?B?%s?=" % base64.b64encode(subj[cut:]).decode()
samples["encoded-words.eml"] = msg([
    "From: \"=?UTF-8?Q?J=C3=BCrgen_M=C3=BCller?=\" <juergen@example.de>",
    "To: =?utf-8?q?Ren=C3=A9e?==?utf-8?q?_Dupont?= <renee@example.fr>, plain@example.net",
    "Cc: \"Doe, John\" <john@example.com>",
    "Subject: " + w1 + " " + w2,
    "Date: Wed, 01 Mar 2023 23:59:59 -0800", "Message-ID: <ew@example.de>", "MIME-Version: 1.0",
    "Content-Type: text/plain; charset=us-ascii"], b"ascii body\r\n")

samples["folded-headers.eml"] = msg([
    "From: Folded Sender <folded@example.com>",
    "To: Team: alice@example.com, Bob Smith <bob@example.com>;,",
    "\tcarol@example.com",
    "Subject: This subject is folded",
    "  over several lines",
    "\tby the sending client",
    "Date: Mon, 2 Jan 2023 08:00:00 +0000 (UTC)",
    "Message-ID: <folded@example.com>",
    "In-Reply-To: <parent@example.com>",
    "References: <root@example.com>",
    "   <parent@example.com>",
    "Reply-To: Replies <replies@example.com>",
    "X-Priority: 5 (Lowest)",
    "MIME-Version: 1.0", "Content-Type: text/plain; charset=utf-8"], b"Folded.\r\n")

samples["rfc2231-filename.eml"] = msg(common("RFC 2231") + [
    "Content-Type: multipart/mixed; boundary=\"b2231\""],
    b"--b2231\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nSee attachment.\r\n"
    b"--b2231\r\nContent-Type: application/pdf;\r\n name*0*=UTF-8''%E6%97%A5%E6%9C%AC%E8%AA%9E;\r\n"
    b" name*1*=%E3%81%AE%E5%A0%B1%E5%91%8A.pdf\r\n"
    b"Content-Disposition: attachment;\r\n filename*0*=UTF-8''%E6%97%A5%E6%9C%AC%E8%AA%9E;\r\n"
    b" filename*1*=%E3%81%AE%E5%A0%B1%E5%91%8A.pdf\r\nContent-Transfer-Encoding: base64\r\n\r\n"
    + b64(b"%PDF-1.4\n" + b"x" * 1000) + b"--b2231--\r\n")

png = bytes(range(256)) * 4  # 1024 bytes standing in for an image
pdf = b"%PDF-1.5\n" + b"y" * 2991  # 3000 bytes
samples["outlook-multipart.eml"] = msg([
    "From: \"Smith, Anna\" <anna.smith@contoso.com>",
    "To: \"Jones, Bob\" <bob.jones@contoso.com>",
    "Subject: Q3 report",
    "Thread-Topic: Q3 report", "Thread-Index: AQHZ8x2Kc3JlcG9ydA==",
    "Date: Fri, 29 Sep 2023 14:03:12 +0000",
    "Message-ID: <DB9PR01MB1234ABCD@DB9PR01MB1234.eurprd01.prod.exchangelabs.com>",
    "Accept-Language: en-US", "Content-Language: en-US",
    "X-MS-Has-Attach: yes", "X-Priority: 1", "Importance: high",
    "MIME-Version: 1.0",
    "Content-Type: multipart/mixed;",
    "\tboundary=\"_004_DB9PR01MB1234ABCD_\""],
    b"--_004_DB9PR01MB1234ABCD_\r\n"
    b"Content-Type: multipart/related;\r\n\tboundary=\"_003_DB9PR01MB1234ABCD_\";\r\n\ttype=\"multipart/alternative\"\r\n\r\n"
    b"--_003_DB9PR01MB1234ABCD_\r\n"
    b"Content-Type: multipart/alternative;\r\n\tboundary=\"_000_DB9PR01MB1234ABCD_\"\r\n\r\n"
    b"--_000_DB9PR01MB1234ABCD_\r\nContent-Type: text/plain; charset=\"us-ascii\"\r\n"
    b"Content-Transfer-Encoding: quoted-printable\r\n\r\nHi Bob,\r\n\r\nPlease find the Q3 report attached.=\r\n\r\n\r\nAnna\r\n"
    b"--_000_DB9PR01MB1234ABCD_\r\nContent-Type: text/html; charset=\"us-ascii\"\r\n"
    b"Content-Transfer-Encoding: quoted-printable\r\n\r\n"
    b"<html><body><p>Hi Bob,</p><img src=3D\"cid:image001.png@01D9F2A1.5B3C2E10\"></body></html>\r\n"
    b"--_000_DB9PR01MB1234ABCD_--\r\n\r\n"
    b"--_003_DB9PR01MB1234ABCD_\r\nContent-Type: image/png; name=\"image001.png\"\r\n"
    b"Content-Description: image001.png\r\nContent-Disposition: inline; filename=\"image001.png\"; size=1024;\r\n"
    b"Content-ID: <image001.png@01D9F2A1.5B3C2E10>\r\nContent-Transfer-Encoding: base64\r\n\r\n" + b64(png) +
    b"\r\n--_003_DB9PR01MB1234ABCD_--\r\n\r\n"
    b"--_004_DB9PR01MB1234ABCD_\r\nContent-Type: application/pdf; name=\"Q3 report.pdf\"\r\n"
    b"Content-Description: Q3 report.pdf\r\nContent-Disposition: attachment; filename=\"Q3 report.pdf\"; size=3000;\r\n"
    b"Content-Transfer-Encoding: base64\r\n\r\n" + b64(pdf) + b"\r\n--_004_DB9PR01MB1234ABCD_--\r\n")

jpg = b"\xff\xd8\xff\xe0" + b"\x00" * 496  # 500 bytes
samples["apple-mail.eml"] = msg([
    "From: Claire Martin <claire@icloud.com>", "Content-Type: multipart/mixed;",
    "\tboundary=\"Apple-Mail=_6E1D5A0F-1111-4C2B-9A33-1F2E3D4C5B6A\"",
    "Mime-Version: 1.0 (Mac OS X Mail 16.0 \\(3731.700.6\\))",
    "Subject: Photos from the weekend", "Date: Sun, 12 Mar 2023 18:22:41 +0100",
    "Message-Id: <6E1D5A0F-2222@icloud.com>", "To: Family <family@example.com>"],
    b"\r\n--Apple-Mail=_6E1D5A0F-1111-4C2B-9A33-1F2E3D4C5B6A\r\nContent-Transfer-Encoding: 7bit\r\n"
    b"Content-Type: text/plain;\r\n\tcharset=us-ascii\r\n\r\nHere is the first photo:\r\n\r\n"
    b"--Apple-Mail=_6E1D5A0F-1111-4C2B-9A33-1F2E3D4C5B6A\r\nContent-Disposition: inline;\r\n\tfilename=IMG_0001.jpeg\r\n"
    b"Content-Type: image/jpeg;\r\n\tx-unix-mode=0644;\r\n\tname=\"IMG_0001.jpeg\"\r\nContent-Transfer-Encoding: base64\r\n\r\n"
    + b64(jpg) +
    b"\r\n--Apple-Mail=_6E1D5A0F-1111-4C2B-9A33-1F2E3D4C5B6A\r\nContent-Transfer-Encoding: quoted-printable\r\n"
    b"Content-Type: text/plain;\r\n\tcharset=utf-8\r\n\r\n=E2=80=94 and that=E2=80=99s all.\r\n"
    b"--Apple-Mail=_6E1D5A0F-1111-4C2B-9A33-1F2E3D4C5B6A--\r\n")

inner = msg(common("Original message", frm="Dave <dave@example.com>", date="Thu, 05 Jan 2023 10:00:00 +0000",
                   mid="<inner@example.com>") + ["Content-Type: text/plain; charset=utf-8"], b"Inner body.\r\n")
samples["message-rfc822.eml"] = msg(common("Fwd: Original message") + [
    "Content-Type: multipart/mixed; boundary=\"fwd\""],
    b"--fwd\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nForwarding this.\r\n"
    b"--fwd\r\nContent-Type: message/rfc822\r\nContent-Disposition: attachment\r\n\r\n" + inner +
    b"\r\n--fwd--\r\n")

ics = (b"BEGIN:VCALENDAR\r\nPRODID:-//Google Inc//Google Calendar 70.9054//EN\r\nVERSION:2.0\r\nMETHOD:REQUEST\r\n"
       b"BEGIN:VEVENT\r\nDTSTART:20231120T150000Z\r\nDTEND:20231120T160000Z\r\nSUMMARY:Planning\r\n"
       b"UID:abc123@google.com\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")
samples["calendar-invite.eml"] = msg(common("Invitation: Planning @ Mon Nov 20, 2023",
                                            frm="Google Calendar <calendar-notification@google.com>") + [
    "Content-Type: multipart/mixed; boundary=\"000000000000cal1\""],
    b"--000000000000cal1\r\nContent-Type: multipart/alternative; boundary=\"000000000000cal2\"\r\n\r\n"
    b"--000000000000cal2\r\nContent-Type: text/plain; charset=\"UTF-8\"; format=flowed; delsp=yes\r\n"
    b"Content-Transfer-Encoding: base64\r\n\r\n" + b64(b"You have been invited to Planning.\r\n") +
    b"--000000000000cal2\r\nContent-Type: text/html; charset=\"UTF-8\"\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
    b"<p>You have been invited to <b>Planning</b>.</p>\r\n"
    b"--000000000000cal2\r\nContent-Type: text/calendar; charset=\"UTF-8\"; method=REQUEST\r\n"
    b"Content-Transfer-Encoding: 7bit\r\n\r\n" + ics +
    b"--000000000000cal2--\r\n"
    b"--000000000000cal1\r\nContent-Type: application/ics; name=\"invite.ics\"\r\n"
    b"Content-Disposition: attachment; filename=\"invite.ics\"\r\nContent-Transfer-Encoding: base64\r\n\r\n" + b64(ics) +
    b"--000000000000cal1--\r\n")

samples["no-date.eml"] = msg(common("No date", date=None) + ["Content-Type: text/plain"], b"No date here.\r\n")
samples["garbage-date.eml"] = msg(common("Garbage date", date="sometime next week, probably") +
                                  ["Content-Type: text/plain"], b"Bad date.\r\n")

samples["header-without-colon.eml"] = msg([
    "From: Broken <broken@example.com>", "To: rcpt@example.org", "Subject: Header without colon",
    "Date: Tue, 14 Nov 2023 09:15:00 +0100", "This line has no colon", "Message-ID: <nocolon@example.com>",
    "Content-Type: text/plain; charset=utf-8"], b"Body after a broken header.\r\n")

samples["no-body.eml"] = CRLF.join(x.encode() for x in common("No body")) + CRLF

samples["8bit-headers.eml"] = msg([
    "From: Jos\xe9 Garc\xeda <jose@example.es>".encode("latin-1"),
    "To: Zoë <zoe@example.com>".encode("utf-8"),
    "Subject: Raw UTF-8 subject: naïve café ✓".encode("utf-8"),
    b"Date: Tue, 14 Nov 2023 09:15:00 +0100", b"Message-ID: <8bit@example.com>",
    b"Content-Type: text/plain; charset=utf-8", b"Content-Transfer-Encoding: 8bit"],
    "Body ✓\r\n".encode("utf-8"))

# Raw 8-bit headers in a legacy charset, declared only for the body (old Asian mail clients).
samples["8bit-headers-big5.eml"] = msg([
    "From: 王小明 <wang@example.tw>".encode("big5"),
    b"To: rcpt@example.org",
    "Subject: 會議通知".encode("big5"),
    b"Date: Tue, 14 Nov 2023 09:15:00 +0800", b"Message-ID: <8bit-big5@example.tw>",
    b"Content-Type: text/plain; charset=\"big5\"", b"Content-Transfer-Encoding: 8bit"],
    "明天開會。\r\n".encode("big5"))

samples["missing-boundary-end.eml"] = msg(common("Missing end boundary") + [
    "Content-Type: multipart/alternative; boundary=\"alt\""],
    b"--alt\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nPlain part.\r\n"
    b"--alt\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>HTML part, cut off")

samples["nul-bytes.eml"] = msg(common("NUL\x00 in subject") + ["Content-Type: text/plain; charset=utf-8"],
                               b"Before\x00after.\r\n")

good = base64.b64encode(b"Hello, this decodes fine. ").decode()
samples["bad-base64.eml"] = msg(common("Bad base64") + [
    "Content-Type: text/plain; charset=utf-8", "Content-Transfer-Encoding: base64"],
    (good[:20] + "!!**" + good[20:] + "\r\n").encode())

samples["unknown-charset.eml"] = msg(common("Unknown charset") + [
    "Content-Type: text/plain; charset=x-no-such-charset", "Content-Transfer-Encoding: 8bit"],
    "Déjà vu.\r\n".encode("latin-1"))

samples["html-only-lf.eml"] = msg(common("HTML only") + ["Content-Type: text/html; charset=utf-8",
                                                         "Priority: non-urgent"],
                                  b"<html><body>Only <i>HTML</i></body></html>\n", eol=b"\n").replace(CRLF, b"\n")

# Filenames as Gmail web and Outlook write them: RFC 2047 inside a quoted parameter (not allowed by
# RFC 2047 §5, yet everywhere) and raw UTF-8 in a parameter; a subject word in an unknown charset.
samples["filename-encodings.eml"] = msg(common("Files =?x-no-such-charset?Q?caf=E9?=") + [
    "Content-Type: multipart/mixed; boundary=\"fn\""],
    b"--fn\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nTwo files.\r\n"
    b"--fn\r\nContent-Type: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet;\r\n"
    b" name=\"=?UTF-8?B?w5xiZXJzaWNodCAyMDIzLnhsc3g=?=\"\r\n"
    b"Content-Disposition: attachment;\r\n filename=\"=?UTF-8?B?w5xiZXJzaWNodCAyMDIzLnhsc3g=?=\"\r\n"
    b"Content-Transfer-Encoding: base64\r\n\r\n" + b64(b"PK\x03\x04" + b"z" * 96) +
    b"--fn\r\nContent-Type: application/octet-stream; name=\"" + "Präsentation.pptx".encode("utf-8") + b"\"\r\n"
    b"Content-Disposition: attachment; filename=\"" + "Präsentation.pptx".encode("utf-8") + b"\"\r\n"
    b"Content-Transfer-Encoding: base64\r\n\r\n" + b64(b"q" * 50) +
    b"--fn--\r\n")

for name, data in samples.items():
    with open(name, "wb") as f:
        f.write(data)
print(len(samples), "samples")
