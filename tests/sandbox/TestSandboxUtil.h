#pragma once

// Small helpers shared by the tests that drive a real gmail-sandbox process (TestSandbox*.cpp).

#include "SandboxProcess.h"

#include <QByteArray>
#include <QDateTime>
#include <QJsonArray>
#include <QJsonObject>
#include <QString>
#include <QTimeZone>

namespace sandboxtest {

inline QList<QPair<QByteArray, QByteArray>> bearer(const QString &token) {
    return {{QByteArrayLiteral("Authorization"), "Bearer " + token.toLatin1()}};
}

// A small RFC 5322 message with CRLF line ends.
inline QByteArray rfc822(const QString &subject, const QByteArray &messageId = {},
                         const QByteArray &inReplyTo = {}) {
    QByteArray m =
        "From: Alice <alice@example.com>\r\nTo: Bob <bob@example.com>\r\nSubject: " + subject.toUtf8() +
        "\r\nDate: Tue, 30 Jan 2024 12:00:00 -0800\r\nMIME-Version: 1.0\r\n";
    if (!messageId.isEmpty())
        m += "Message-ID: " + messageId + "\r\n";
    if (!inReplyTo.isEmpty())
        m += "In-Reply-To: " + inReplyTo + "\r\nReferences: " + inReplyTo + "\r\n";
    m += "Content-Type: text/plain; charset=utf-8\r\n\r\nHello from the sandbox test.\r\n";
    return m;
}

inline QString base64Url(const QByteArray &bytes) {
    return QString::fromLatin1(bytes.toBase64(QByteArray::Base64UrlEncoding));
}

inline QByteArray fromBase64Url(const QString &text) {
    return QByteArray::fromBase64(text.toLatin1(), QByteArray::Base64UrlEncoding);
}

// Adds a message through the control API; returns its {id, threadId, historyId}.
inline QJsonObject addMessage(testsupport::SandboxProcess &sandbox, const QString &email,
                              const QByteArray &raw, qint64 internalDateMs,
                              const QStringList &labels = {QStringLiteral("INBOX")},
                              const QString &threadId = {}) {
    QJsonObject body{{QStringLiteral("raw"), base64Url(raw)},
                     {QStringLiteral("labelIds"), QJsonArray::fromStringList(labels)},
                     {QStringLiteral("internalDate"), QString::number(internalDateMs)}};
    if (!threadId.isEmpty())
        body.insert(QStringLiteral("threadId"), threadId);
    return sandbox.control("POST", QStringLiteral("/_sandbox/users/%1/messages").arg(email), body).object();
}

inline qint64 pacificMs(int y, int mo, int d, int h, int mi) {
    return QDateTime(QDate(y, mo, d), QTime(h, mi), QTimeZone(QByteArrayLiteral("America/Los_Angeles")))
        .toMSecsSinceEpoch();
}

// The ids of a messages.list page.
inline QStringList ids(const QJsonObject &page, const QString &key = QStringLiteral("messages")) {
    QStringList out;
    for (const QJsonValue &v : page.value(key).toArray())
        out.append(v.toObject().value(QStringLiteral("id")).toString());
    return out;
}

// Checks Google's error shape {"error":{"code","message","status","errors":[{"message","domain","reason"}]}}.
inline bool isGoogleError(const QJsonObject &body, int code, const QString &reason, const QString &status) {
    const QJsonObject e = body.value(QStringLiteral("error")).toObject();
    const QJsonObject first = e.value(QStringLiteral("errors")).toArray().first().toObject();
    return e.value(QStringLiteral("code")).toInt() == code &&
           e.value(QStringLiteral("status")).toString() == status &&
           !e.value(QStringLiteral("message")).toString().isEmpty() &&
           first.value(QStringLiteral("reason")).toString() == reason &&
           !first.value(QStringLiteral("domain")).toString().isEmpty() &&
           first.value(QStringLiteral("message")).toString() == e.value(QStringLiteral("message")).toString();
}

} // namespace sandboxtest
