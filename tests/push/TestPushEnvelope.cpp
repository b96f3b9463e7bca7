// push::PushEnvelope: the pure parsing of a Pub/Sub push request and its Gmail notification (no
// database; the same code NotificationHandler and PushEndpoint use, and fuzz/FuzzPushEnvelope.cpp fuzzes).
#include "push/PushEnvelope.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using push::PushEnvelope;

class TestPushEnvelope : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void readsARequestsMessageData() {
        const QByteArray body = R"({"message":{"data":"eyJhIjoxfQ==","messageId":"1"},"subscription":"s"})";
        QCOMPARE(PushEnvelope::messageData(body).value_or("?"), QByteArray("eyJhIjoxfQ=="));
        QCOMPARE(PushEnvelope::messageData(R"({"message":{"messageId":"1"}})").value_or("?"), QByteArray());
        QVERIFY(!PushEnvelope::messageData(R"({"subscription":"s"})"));
        QVERIFY(!PushEnvelope::messageData(R"({"message":{}})"));
        QVERIFY(!PushEnvelope::messageData(R"([{"message":{"data":"x"}}])"));
        QVERIFY(!PushEnvelope::messageData("not json"));
    }

    void decodesBothBase64Alphabets() {
        QCOMPARE(PushEnvelope::decodeData("Pz8-Pg==").value_or("?"), QByteArray("?\x3f>>"));
        QCOMPARE(PushEnvelope::decodeData("Pz8+Pg==").value_or("?"), QByteArray("?\x3f>>"));
        QVERIFY(!PushEnvelope::decodeData("*not base64*"));
    }

    void parsesTheNotification_data() {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<qint64>("historyId");
        QTest::newRow("string") << QByteArray(R"({"emailAddress":" a@b.c ","historyId":"9876543210"})")
                                << qint64(9876543210);
        QTest::newRow("number") << QByteArray(R"({"emailAddress":"a@b.c","historyId":1234})") << qint64(1234);
        QTest::newRow("missing") << QByteArray(R"({"emailAddress":"a@b.c"})") << qint64(0);
        // Out of qint64's range: converting it was undefined behaviour (UBSan float-cast-overflow).
        QTest::newRow("huge number") << QByteArray(R"({"emailAddress":"a@b.c","historyId":1e300})")
                                     << qint64(0);
        QTest::newRow("huge negative")
            << QByteArray(R"({"emailAddress":"a@b.c","historyId":-1e19})") << qint64(0);
        QTest::newRow("huge string") << QByteArray(R"({"emailAddress":"a@b.c","historyId":"1e300"})")
                                     << qint64(0);
    }
    void parsesTheNotification() {
        QFETCH(QByteArray, json);
        QFETCH(qint64, historyId);
        QString error;
        const auto notification = PushEnvelope::parseNotification(json, &error);
        QVERIFY2(notification, qPrintable(error));
        QCOMPARE(notification->emailAddress, QStringLiteral("a@b.c"));
        QCOMPARE(notification->historyId, historyId);
    }

    void refusesWhatIsNotANotification() {
        QString error;
        QVERIFY(!PushEnvelope::parseNotification("[1]", &error));
        QCOMPARE(error, QStringLiteral("data is not a JSON object"));
        QVERIFY(!PushEnvelope::parseNotification(R"({"emailAddress":"  ","historyId":"1"})", &error));
        QCOMPARE(error, QStringLiteral("emailAddress missing"));
        QVERIFY(!PushEnvelope::parseNotification(R"({"emailAddress":5})", nullptr));
    }
};

QTEST_GUILESS_MAIN(TestPushEnvelope)
#include "TestPushEnvelope.moc"
