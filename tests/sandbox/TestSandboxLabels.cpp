// users.labels.list / labels.get of a real gmail-sandbox process, in Gmail's wire format, and a user
// label renamed through the control API (as a user renames it in Gmail's settings).

#include "SandboxProcess.h"
#include "TestSandboxUtil.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace sandboxtest;
using testsupport::SandboxProcess;

class TestSandboxLabels final : public QObject {
    Q_OBJECT

private:
    std::unique_ptr<SandboxProcess> m_sandbox;
    QString m_token;
    const QString m_user = QStringLiteral("labels@example.com");

    SandboxProcess::Reply get(const QString &path) {
        return m_sandbox->request("GET", path, {}, bearer(m_token));
    }

    QJsonObject labelNamed(const QString &id) {
        const auto reply = get(QStringLiteral("/gmail/v1/users/me/labels"));
        for (const QJsonValue &v : reply.json().value(QStringLiteral("labels")).toArray()) {
            if (v.toObject().value(QStringLiteral("id")).toString() == id)
                return v.toObject();
        }
        return {};
    }

private Q_SLOTS:
    void initTestCase() {
        m_sandbox = std::make_unique<SandboxProcess>(
            QStringList{QStringLiteral("--user"), m_user, QStringLiteral("--generate"), QStringLiteral("200"),
                        QStringLiteral("--seed"), QStringLiteral("3")});
        QVERIFY2(m_sandbox->isRunning(), qPrintable(m_sandbox->errorString()));
        m_token = m_sandbox->accessToken(m_user);
    }

    void listHasSystemAndUserLabels() {
        const auto reply = get(QStringLiteral("/gmail/v1/users/me/labels"));
        QCOMPARE(reply.status, 200);
        const QJsonArray labels = reply.json().value(QStringLiteral("labels")).toArray();
        QVERIFY(labels.size() >= 14 + 3);
        const QJsonObject inbox = labelNamed(QStringLiteral("INBOX"));
        QCOMPARE(inbox.value(QStringLiteral("type")).toString(), QStringLiteral("system"));
        QCOMPARE(inbox.value(QStringLiteral("name")).toString(), QStringLiteral("INBOX"));
        const QJsonObject receipts = labelNamed(QStringLiteral("Label_1"));
        QCOMPARE(receipts.value(QStringLiteral("type")).toString(), QStringLiteral("user"));
        QCOMPARE(receipts.value(QStringLiteral("name")).toString(), QStringLiteral("Receipts"));
        QCOMPARE(receipts.value(QStringLiteral("color"))
                     .toObject()
                     .value(QStringLiteral("backgroundColor"))
                     .toString(),
                 QStringLiteral("#16a766"));
        QCOMPARE(receipts.value(QStringLiteral("labelListVisibility")).toString(),
                 QStringLiteral("labelShow"));
    }

    void getCountsMessages() {
        const auto reply = get(QStringLiteral("/gmail/v1/users/me/labels/INBOX"));
        QCOMPARE(reply.status, 200);
        QVERIFY(reply.json().value(QStringLiteral("messagesTotal")).toInt() > 0);
        QCOMPARE(get(QStringLiteral("/gmail/v1/users/me/labels/Label_404")).status, 404);
    }

    void renamedLabelShowsItsNewName() {
        int status = 0;
        m_sandbox->control("PUT", QStringLiteral("/_sandbox/users/%1/labels/Label_1").arg(m_user),
                           {{QStringLiteral("name"), QStringLiteral("Invoices")}}, &status);
        QCOMPARE(status, 200);
        QCOMPARE(labelNamed(QStringLiteral("Label_1")).value(QStringLiteral("name")).toString(),
                 QStringLiteral("Invoices"));
        m_sandbox->control("PUT", QStringLiteral("/_sandbox/users/%1/labels/INBOX").arg(m_user),
                           {{QStringLiteral("name"), QStringLiteral("Mine")}}, &status);
        QCOMPARE(status, 400); // system labels keep their names
    }
};

QTEST_GUILESS_MAIN(TestSandboxLabels)
#include "TestSandboxLabels.moc"
