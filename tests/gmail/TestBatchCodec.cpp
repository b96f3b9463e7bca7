// gmail::BatchCodec: the request body and the answer of Google's batch endpoint
// (developers.google.com/gmail/api/guides/batch, "Format of a batch request/response").
#include "gmail/BatchCodec.h"

#include <QTest>

using gmail::BatchCodec;

class TestBatchCodec final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void encodesApplicationHttpParts();
    void decodesGooglesExampleAnswer();
    void decodesLfOnlyAndPreambleAndMissingEnd();
    void rejectsWhatIsNotMultipart();
    void partsOverTheCapAreNotCopied();
    void unboundedHeadIsUnreadable();
};

void TestBatchCodec::encodesApplicationHttpParts() {
    QByteArray contentType;
    const QByteArray body =
        BatchCodec::encode({{"item-0", "GET", "/gmail/v1/users/me/messages/a1?format=raw"},
                            {"item-1", "GET", "/gmail/v1/users/me/messages/b2?format=raw"}},
                           &contentType);
    QVERIFY(contentType.startsWith("multipart/mixed; boundary=batch_"));
    const QByteArray boundary = contentType.mid(contentType.indexOf('=') + 1);
    const QByteArray expected = "--" + boundary +
                                "\r\nContent-Type: application/http\r\nContent-ID: <item-0>\r\n\r\n"
                                "GET /gmail/v1/users/me/messages/a1?format=raw\r\n\r\n"
                                "--" +
                                boundary +
                                "\r\nContent-Type: application/http\r\nContent-ID: <item-1>\r\n\r\n"
                                "GET /gmail/v1/users/me/messages/b2?format=raw\r\n\r\n"
                                "--" +
                                boundary + "--\r\n";
    QCOMPARE(body, expected);
    QByteArray other;
    BatchCodec::encode({}, &other);
    QVERIFY(other != contentType); // a fresh boundary each time
}

void TestBatchCodec::decodesGooglesExampleAnswer() {
    // The response example of the batch guide, with Gmail bodies.
    const QByteArray contentType = "multipart/mixed; boundary=batch_pK7JBAk73-E=_AA5eFwv4m2Q=";
    const QByteArray body = "--batch_pK7JBAk73-E=_AA5eFwv4m2Q=\r\n"
                            "Content-Type: application/http\r\n"
                            "Content-ID: <response-item-0>\r\n\r\n"
                            "HTTP/1.1 200 OK\r\n"
                            "Content-Type: application/json; charset=UTF-8\r\n"
                            "Vary: Referer\r\n\r\n"
                            "{\"id\":\"a1\",\"raw\":\"U3ViamVjdDogeA\"}\r\n"
                            "--batch_pK7JBAk73-E=_AA5eFwv4m2Q=\r\n"
                            "Content-Type: application/http\r\n"
                            "Content-ID: <response-item-1>\r\n\r\n"
                            "HTTP/1.1 429 Too Many Requests\r\n"
                            "Retry-After: 7\r\n"
                            "Content-Type: application/json; charset=UTF-8\r\n\r\n"
                            "{\"error\":{\"code\":429,\"status\":\"RESOURCE_EXHAUSTED\"}}\r\n"
                            "--batch_pK7JBAk73-E=_AA5eFwv4m2Q=--\r\n";
    QString error;
    const auto parts = BatchCodec::decode(contentType, body, &error);
    QVERIFY2(parts, qPrintable(error));
    QCOMPARE(parts->size(), 2);
    QCOMPARE(parts->at(0).contentId, QByteArray("item-0"));
    QCOMPARE(parts->at(0).status, 200);
    QCOMPARE(parts->at(0).headers.value("content-type"), QByteArray("application/json; charset=UTF-8"));
    QCOMPARE(parts->at(0).body, QByteArray("{\"id\":\"a1\",\"raw\":\"U3ViamVjdDogeA\"}"));
    QCOMPARE(parts->at(1).contentId, QByteArray("item-1"));
    QCOMPARE(parts->at(1).status, 429);
    QCOMPARE(parts->at(1).headers.value("retry-after"), QByteArray("7"));
}

void TestBatchCodec::decodesLfOnlyAndPreambleAndMissingEnd() {
    const QByteArray body = "This is a preamble.\n"
                            "--b\nContent-Type: application/http\nContent-ID: <response-item-3>\n\n"
                            "HTTP/1.1 404 Not Found\nContent-Type: application/json\n\n{}\n"
                            "--b\nContent-Type: application/http\n\n"
                            "garbage that is no HTTP answer\n"; // cut off: no closing delimiter
    QString error;
    const auto parts = BatchCodec::decode("multipart/mixed; boundary=\"b\"", body, &error);
    QVERIFY2(parts, qPrintable(error));
    QCOMPARE(parts->size(), 2);
    QCOMPARE(parts->at(0).contentId, QByteArray("item-3"));
    QCOMPARE(parts->at(0).status, 404);
    QCOMPARE(parts->at(0).body, QByteArray("{}"));
    QCOMPARE(parts->at(1).status, 0); // unreadable: the client retries that id
}

void TestBatchCodec::rejectsWhatIsNotMultipart() {
    QString error;
    QVERIFY(!BatchCodec::decode("application/json", "{\"error\":{}}", &error));
    QVERIFY(!error.isEmpty());
    QVERIFY(!BatchCodec::decode("multipart/mixed; boundary=zz", "no parts here at all", &error));
}

void TestBatchCodec::partsOverTheCapAreNotCopied() {
    const QByteArray big(30000, 'A');
    const QByteArray body = "--b\r\nContent-Type: application/http\r\nContent-ID: <response-item-0>\r\n\r\n"
                            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n{\"raw\":\"" +
                            big +
                            "\"}\r\n"
                            "--b\r\nContent-Type: application/http\r\nContent-ID: <response-item-1>\r\n\r\n"
                            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n{\"raw\":\"QQ\"}\r\n"
                            "--b--\r\n";
    QString error;
    const auto parts = BatchCodec::decode("multipart/mixed; boundary=b", body, &error, 10000);
    QVERIFY2(parts, qPrintable(error));
    QCOMPARE(parts->size(), 2);
    QVERIFY(parts->at(0).tooLarge);
    QVERIFY2(parts->at(0).size > 30000, qPrintable(QString::number(parts->at(0).size)));
    QCOMPARE(parts->at(0).status, 0);
    QVERIFY(parts->at(0).body.isEmpty());
    QCOMPARE(parts->at(0).contentId, QByteArray("item-0")); // still says which id it was
    QVERIFY(!parts->at(1).tooLarge);
    QCOMPARE(parts->at(1).status, 200);
    // Without a cap the same answer decodes whole.
    const auto uncapped = BatchCodec::decode("multipart/mixed; boundary=b", body, &error);
    QVERIFY(uncapped && !uncapped->at(0).tooLarge && uncapped->at(0).body.size() > 30000);
}

void TestBatchCodec::unboundedHeadIsUnreadable() {
    // A header block that never ends within MaxHeadBytes is not split into lines and copied.
    QByteArray head = "HTTP/1.1 200 OK\r\n";
    while (head.size() <= BatchCodec::MaxHeadBytes + 100)
        head += "X-Filler: 0123456789abcdef0123456789abcdef\r\n";
    const QByteArray body = "--b\r\nContent-Type: application/http\r\nContent-ID: <response-item-0>\r\n\r\n" +
                            head + "\r\n{}\r\n--b--\r\n";
    QString error;
    const auto parts = BatchCodec::decode("multipart/mixed; boundary=b", body, &error);
    QVERIFY2(parts, qPrintable(error));
    QCOMPARE(parts->size(), 1);
    QCOMPARE(parts->at(0).status, 0);
    QVERIFY(parts->at(0).headers.isEmpty());
}

QTEST_GUILESS_MAIN(TestBatchCodec)
#include "TestBatchCodec.moc"
