#pragma once

#include <QHash>
#include <QHttpServer>
#include <QList>
#include <QStringList>
#include <QUrl>

#include <memory>
#include <vector>

class QHttpServerResponder;

// A small Gmail API on 127.0.0.1 (QHttpServer) that tests script answer by answer, for exact fault
// sequences. Keys: "profile", "messages", "history", "watch", "stop", "batch" (the outer answer) and
// "message:<id>" (that id's answer, as a direct GET or as a batch part). A key with no scripted
// answer left gives the normal success answer. Messages "m0".."m99" exist; other ids answer 404.
class FakeGmailServer final {
public:
    struct Answer {
        int status = 200;
        QByteArray body; // empty: the normal body (or Google's error body)
        QList<QPair<QByteArray, QByteArray>> headers;
        QString reason; // errors[0].reason for generated error bodies
    };
    struct Seen {
        QString key;
        QUrl url;
        QByteArray authorization;
        QByteArray body;
        int batchParts = 0; // batch: number of parts
    };

    FakeGmailServer();
    QUrl baseUrl() const;

    void script(const QString &key, const QList<Answer> &answers);
    const QList<Seen> &seen() const { return m_seen; }
    int count(const QString &key) const;
    QList<int> batchSizes() const;

    static QByteArray rawMessageFor(const QString &id);
    // The next n batch requests get no answer at all (the client must time out).
    void hangBatches(int n) { m_hangBatches = n; }

    FakeGmailServer(const FakeGmailServer &) = delete;
    FakeGmailServer &operator=(const FakeGmailServer &) = delete;
    ~FakeGmailServer();

private:
    QHttpServerResponse answer(const QString &key, const QHttpServerRequest &request);
    QHttpServerResponse batch(const QHttpServerRequest &request);
    Answer next(const QString &key);
    QByteArray successBody(const QString &key) const;
    static QByteArray errorBody(int status, const QString &reason);

    QHttpServer m_server;
    quint16 m_port = 0;
    QHash<QString, QList<Answer>> m_script;
    QList<Seen> m_seen;
    int m_hangBatches = 0;
    std::vector<std::unique_ptr<QHttpServerResponder>> m_hung;
};
