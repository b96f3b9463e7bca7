// sandbox::BatchHandler: parsing Google batch requests (developers.google.com/gmail/api/guides/batch,
// multipart syntax per RFC 2046 §5.1.1) and assembling the multipart answer.

#include "BatchHandler.h"

#include <QTest>

using sandbox::ApiRequest;
using sandbox::ApiResponse;
using sandbox::BatchHandler;

namespace {

ApiRequest outer(const QByteArray &contentType, const QByteArray &body) {
    ApiRequest r;
    r.method = "POST";
    r.path = QStringLiteral("/batch/gmail/v1");
    r.headers = {{"Authorization", "Bearer outer"}, {"Content-Type", contentType}, {"X-Trace", "t1"}};
    r.body = body;
    r.query = QUrlQuery(QStringLiteral("prettyPrint=false"));
    return r;
}

} // namespace

class TestSandboxBatchHandler final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void boundary_data();
    void boundary();
    void parsesGoogleExample();
    void bareLineFeedsAndPreamble();
    void partHeadersOverrideOuter();
    void postBody();
    void refuses_data();
    void refuses();
    void answerShape();
};

void TestSandboxBatchHandler::boundary_data() {
    QTest::addColumn<QByteArray>("contentType");
    QTest::addColumn<QByteArray>("boundary");
    QTest::newRow("plain") << QByteArray("multipart/mixed; boundary=batch_foobarbaz")
                           << QByteArray("batch_foobarbaz");
    QTest::newRow("quoted") << QByteArray("multipart/mixed; boundary=\"a b\"") << QByteArray("a b");
    QTest::newRow("case") << QByteArray("Multipart/Mixed; BOUNDARY=x") << QByteArray("x");
    QTest::newRow("other param first")
        << QByteArray("multipart/mixed; charset=utf-8; boundary=y") << QByteArray("y");
    QTest::newRow("not multipart") << QByteArray("application/json") << QByteArray();
    QTest::newRow("no boundary") << QByteArray("multipart/mixed") << QByteArray();
}

void TestSandboxBatchHandler::boundary() {
    QFETCH(QByteArray, contentType);
    QFETCH(QByteArray, boundary);
    QCOMPARE(BatchHandler::boundaryOf(contentType), boundary);
}

void TestSandboxBatchHandler::parsesGoogleExample() {
    // The request of Google's batch guide, with Gmail paths.
    const QByteArray body =
        "--batch_foobarbaz\r\n"
        "Content-Type: application/http\r\n"
        "Content-ID: <item1:12930812@barnyard.example.com>\r\n"
        "\r\n"
        "GET /gmail/v1/users/me/messages/18c2f6a1b2d3e4f5?format=raw\r\n"
        "\r\n"
        "--batch_foobarbaz\r\n"
        "Content-Type: application/http\r\n"
        "Content-ID: <item2:12930812@barnyard.example.com>\r\n"
        "\r\n"
        "GET /gmail/v1/users/me/messages/18c2f6a1b2d3e4f6?format=metadata&metadataHeaders=Subject"
        "&metadataHeaders=From HTTP/1.1\r\n"
        "\r\n"
        "--batch_foobarbaz--\r\n";
    QString error;
    const auto parts = BatchHandler::parse(outer("multipart/mixed; boundary=batch_foobarbaz", body), &error);
    QVERIFY2(parts, qPrintable(error));
    QCOMPARE(parts->size(), 2);
    QCOMPARE(parts->at(0).contentId, QByteArray("<item1:12930812@barnyard.example.com>"));
    QCOMPARE(parts->at(0).request.method, QByteArray("GET"));
    QCOMPARE(parts->at(0).request.path, QStringLiteral("/gmail/v1/users/me/messages/18c2f6a1b2d3e4f5"));
    QCOMPARE(parts->at(0).request.query.queryItemValue(QStringLiteral("format")), QStringLiteral("raw"));
    // Outer query parameters apply to every part.
    QCOMPARE(parts->at(0).request.query.queryItemValue(QStringLiteral("prettyPrint")),
             QStringLiteral("false"));
    QCOMPARE(parts->at(1).request.query.allQueryItemValues(QStringLiteral("metadataHeaders")),
             (QStringList{QStringLiteral("Subject"), QStringLiteral("From")}));
    // Outer headers apply, except Content-*.
    QCOMPARE(parts->at(1).request.header("Authorization"), QByteArray("Bearer outer"));
    QCOMPARE(parts->at(1).request.header("X-Trace"), QByteArray("t1"));
    QVERIFY(parts->at(1).request.header("Content-Type").isEmpty());
}

void TestSandboxBatchHandler::bareLineFeedsAndPreamble() {
    const QByteArray body =
        "This is a preamble.\n--b\nContent-Type: application/http\n\nGET /gmail/v1/users/me/profile\n"
        "--b\nContent-Type: application/http\n\nGET /gmail/v1/users/me/history?startHistoryId=5\n"
        "--b--\nepilogue";
    QString error;
    const auto parts = BatchHandler::parse(outer("multipart/mixed; boundary=b", body), &error);
    QVERIFY2(parts, qPrintable(error));
    QCOMPARE(parts->size(), 2);
    QVERIFY(parts->at(0).contentId.isEmpty());
    QCOMPARE(parts->at(0).request.path, QStringLiteral("/gmail/v1/users/me/profile"));
    QCOMPARE(parts->at(1).request.query.queryItemValue(QStringLiteral("startHistoryId")),
             QStringLiteral("5"));
}

void TestSandboxBatchHandler::partHeadersOverrideOuter() {
    const QByteArray body = "--b\r\nContent-Type: application/http\r\n\r\n"
                            "GET /gmail/v1/users/me/profile\r\nauthorization: Bearer inner\r\n\r\n"
                            "--b--\r\n";
    QString error;
    const auto parts = BatchHandler::parse(outer("multipart/mixed; boundary=b", body), &error);
    QVERIFY2(parts, qPrintable(error));
    QCOMPARE(parts->at(0).request.header("Authorization"), QByteArray("Bearer inner"));
    QCOMPARE(parts->at(0).request.headers.size(), 2); // Authorization (replaced) and X-Trace
}

void TestSandboxBatchHandler::postBody() {
    const QByteArray body = "--b\r\nContent-Type: application/http\r\n\r\n"
                            "POST /gmail/v1/users/me/watch\r\nContent-Type: application/json\r\n\r\n"
                            "{\"topicName\":\"projects/p/topics/t\"}\r\n"
                            "--b--\r\n";
    QString error;
    const auto parts = BatchHandler::parse(outer("multipart/mixed; boundary=b", body), &error);
    QVERIFY2(parts, qPrintable(error));
    QCOMPARE(parts->at(0).request.method, QByteArray("POST"));
    QCOMPARE(parts->at(0).request.body, QByteArray("{\"topicName\":\"projects/p/topics/t\"}"));
    QCOMPARE(parts->at(0).request.header("Content-Type"), QByteArray("application/json"));
}

void TestSandboxBatchHandler::refuses_data() {
    QTest::addColumn<QByteArray>("contentType");
    QTest::addColumn<QByteArray>("body");
    QByteArray tooMany;
    for (int i = 0; i < 101; ++i)
        tooMany += "--b\r\nContent-Type: application/http\r\n\r\nGET /gmail/v1/users/me/profile\r\n\r\n";
    tooMany += "--b--\r\n";
    QTest::newRow("101 calls") << QByteArray("multipart/mixed; boundary=b") << tooMany;
    QTest::newRow("no parts") << QByteArray("multipart/mixed; boundary=b") << QByteArray("--b--\r\n");
    QTest::newRow("no delimiter") << QByteArray("multipart/mixed; boundary=b") << QByteArray("GET /x\r\n");
    QTest::newRow("not multipart") << QByteArray("application/json") << QByteArray("{}");
    QTest::newRow("full URL")
        << QByteArray("multipart/mixed; boundary=b")
        << QByteArray("--b\r\nContent-Type: application/http\r\n\r\n"
                      "GET https://gmail.googleapis.com/gmail/v1/users/me/profile\r\n\r\n--b--");
}

void TestSandboxBatchHandler::refuses() {
    QFETCH(QByteArray, contentType);
    QFETCH(QByteArray, body);
    QString error;
    QVERIFY(!BatchHandler::parse(outer(contentType, body), &error));
    QVERIFY(!error.isEmpty());
    int calls = 0;
    const ApiResponse r = BatchHandler::handle(outer(contentType, body), [&](const ApiRequest &) {
        ++calls;
        return ApiResponse::empty(204);
    });
    QCOMPARE(r.status, 400);
    QCOMPARE(calls, 0); // nothing runs when the batch is refused
}

void TestSandboxBatchHandler::answerShape() {
    const QByteArray body = "--b\r\nContent-Type: application/http\r\nContent-ID: <a>\r\n\r\nGET "
                            "/gmail/v1/users/me/profile\r\n\r\n"
                            "--b\r\nContent-Type: application/http\r\nContent-ID: plain\r\n\r\nPOST "
                            "/gmail/v1/users/me/stop\r\n\r\n"
                            "--b--\r\n";
    const ApiResponse r =
        BatchHandler::handle(outer("multipart/mixed; boundary=b", body), [](const ApiRequest &req) {
            return req.method == "GET" ? ApiResponse::json(QJsonObject{{QStringLiteral("ok"), true}})
                                       : ApiResponse::empty(204);
        });
    QCOMPARE(r.status, 200);
    QVERIFY(r.contentType.startsWith("multipart/mixed; boundary=batch_"));
    const QByteArray boundary = r.contentType.mid(r.contentType.indexOf("boundary=") + 9);
    const QByteArray expected =
        "--" + boundary +
        "\r\nContent-Type: application/http\r\nContent-ID: <response-a>\r\n\r\n"
        "HTTP/1.1 200 OK\r\nContent-Type: application/json; charset=UTF-8\r\nContent-Length: 11\r\n\r\n"
        "{\"ok\":true}\r\n"
        "--" +
        boundary +
        "\r\nContent-Type: application/http\r\nContent-ID: response-plain\r\n\r\n"
        "HTTP/1.1 204 No Content\r\n\r\n\r\n"
        "--" +
        boundary + "--\r\n";
    QCOMPARE(r.body, expected);
}

QTEST_GUILESS_MAIN(TestSandboxBatchHandler)
#include "TestSandboxBatchHandler.moc"
