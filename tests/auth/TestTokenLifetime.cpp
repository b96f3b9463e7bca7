// expires_in as Google sends it (a number), as some other servers send it (a string), and when it is
// missing or nonsense (one hour).
#include "auth/TokenLifetime.h"

#include <QJsonDocument>
#include <QTest>

class TestTokenLifetime final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void lifetime_data() {
        QTest::addColumn<QByteArray>("answer");
        QTest::addColumn<qint64>("seconds");
        QTest::newRow("number") << QByteArray(R"({"access_token":"x","expires_in":3599})") << qint64(3599);
        QTest::newRow("string") << QByteArray(R"({"access_token":"x","expires_in":"120"})") << qint64(120);
        QTest::newRow("absent") << QByteArray(R"({"access_token":"x"})") << qint64(3600);
        QTest::newRow("garbage") << QByteArray(R"({"expires_in":"soon"})") << qint64(3600);
        QTest::newRow("zero") << QByteArray(R"({"expires_in":0})") << qint64(3600);
        QTest::newRow("negative") << QByteArray(R"({"expires_in":-5})") << qint64(3600);
    }

    void lifetime() {
        QFETCH(QByteArray, answer);
        QFETCH(qint64, seconds);
        QCOMPARE(auth::tokenLifetimeSeconds(QJsonDocument::fromJson(answer).object()), seconds);
    }
};

QTEST_GUILESS_MAIN(TestTokenLifetime)
#include "TestTokenLifetime.moc"
