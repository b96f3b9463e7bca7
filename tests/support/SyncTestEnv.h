#pragma once

#include "SandboxProcess.h"
#include "SyncTestDb.h"

#include "auth/StaticTokenProvider.h"
#include "db/EmailRepository.h"
#include "db/JobRepository.h"
#include "db/TenantRepository.h"
#include "sync/JobRunner.h"
#include "sync/SyncOptions.h"

#include <QJsonArray>
#include <QSet>

#include <atomic>

// The sync tests' world: a real gmail-sandbox process, a migrated database, tenants mapped to sandbox
// users, and helpers to run jobs and compare the table with the mailbox (GET /_sandbox/users/…/state).
namespace synctest {

class Env final {
public:
    explicit Env(const QStringList &sandboxArgs = {QStringLiteral("--user"),
                                                   QStringLiteral("seed@example.com")})
        : sandbox(sandboxArgs) {}

    testsupport::SandboxProcess sandbox;
    testsupport::TestDatabase tdb;
    syncengine::SyncOptions options;
    std::atomic_bool stop{false};

    bool init() {
        if (!sandbox.isRunning()) {
            qWarning("sandbox: %s", qPrintable(sandbox.errorString()));
            return false;
        }
        if (!prepare(tdb))
            return false;
        options.gmailApiUrl = sandbox.url();
        options.retryBackoffBaseSeconds = 0; // tests retry at once
        options.heartbeatIntervalSeconds = 1;
        // One token per tenant, issued by the sandbox (POST /_sandbox/tokens) on the test's thread.
        options.tokenProviderFactory =
            [this](const QString &tenantId) -> std::shared_ptr<common::AccessTokenProvider> {
            return std::make_shared<auth::StaticTokenProvider>(m_tokens.value(tenantId));
        };
        return true;
    }

    // A sandbox user with `generate` messages over `days` days, and a tenant syncing it.
    bool addMailbox(const QString &tenantId, const QString &email, int generate, int days, int seed = 7) {
        int status = 0;
        sandbox.control("POST", QStringLiteral("/_sandbox/users"),
                        {{QStringLiteral("email"), email},
                         {QStringLiteral("generate"), generate},
                         {QStringLiteral("seed"), seed},
                         {QStringLiteral("days"), days}},
                        &status);
        if (status != 201 && status != 200) {
            qWarning("creating sandbox user %s: HTTP %d", qPrintable(email), status);
            return false;
        }
        m_tokens.insert(tenantId, sandbox.accessToken(email));
        m_emails.insert(tenantId, email);
        db::TenantRepository tenants(db::Database::connection());
        db::Tenant t;
        t.id = tenantId;
        t.gmailAddress = email;
        if (!tenants.add(t)) {
            qWarning("adding tenant: %s", qPrintable(tenants.errorString()));
            return false;
        }
        return true;
    }

    QString email(const QString &tenantId) const { return m_emails.value(tenantId); }

    // A job of `kind` with its default parameters, `params` overriding some (parsed strictly: a test that
    // names an unknown field fails here, as a producer would).
    qint64 enqueue(const QString &tenantId, const QString &kind, const QJsonObject &params = {},
                   bool force = true) {
        const auto k = jobs::parseKind(kind);
        if (!k)
            return 0;
        QJsonObject json = jobs::paramsToJson(jobs::defaultParams(*k));
        for (auto it = params.begin(); it != params.end(); ++it)
            json.insert(it.key(), it.value());
        QString error;
        const auto typed = jobs::paramsFromJson(*k, json, &error);
        if (!typed) {
            qWarning("enqueue: %s", qPrintable(error));
            return 0;
        }
        db::JobRepository queue(db::Database::connection());
        return queue.enqueue(tenantId, *typed, force).value_or(0);
    }

    // Runs the job on this thread until it is finished (retries included), at most `rounds` claims.
    db::SyncJob runToEnd(qint64 jobId, int rounds = 12) {
        db::JobRepository jobs(db::Database::connection());
        syncengine::JobRunner runner(options, QStringLiteral("test:%1:main").arg(jobId), stop, {});
        for (int i = 0; i < rounds; ++i) {
            const auto row = jobs.find(jobId);
            if (!row || row->isFinished())
                break;
            db::ClaimOptions claim;
            claim.workerId = QStringLiteral("test:%1:main").arg(jobId);
            claim.onlyJobId = jobId;
            claim.startLimitPerMinute = 1000;
            std::optional<db::SyncJob> job;
            if (!jobs.claimNext(claim, &job) || !job) {
                QTest::qWait(200);
                continue;
            }
            runner.run(*job);
        }
        return jobs.find(jobId).value_or(db::SyncJob{});
    }

    // The mailbox as the sandbox has it: id → sorted labels.
    QHash<QString, QStringList> mailboxState(const QString &tenantId, qint64 *historyId = nullptr) {
        const QJsonObject state =
            sandbox.control("GET", QStringLiteral("/_sandbox/users/%1/state").arg(email(tenantId))).object();
        if (historyId)
            *historyId = state.value(QStringLiteral("historyId")).toVariant().toLongLong();
        QHash<QString, QStringList> out;
        for (const QJsonValue &v : state.value(QStringLiteral("messages")).toArray()) {
            const QJsonObject m = v.toObject();
            QStringList labels;
            for (const QJsonValue &l : m.value(QStringLiteral("labelIds")).toArray())
                labels << l.toString();
            labels.sort();
            out.insert(m.value(QStringLiteral("id")).toString(), labels);
        }
        return out;
    }

    QHash<QString, QStringList> tableState(const QString &tenantId) {
        db::EmailRepository emails(db::Database::connection());
        QHash<QString, QStringList> out = emails.labelsById(tenantId).value_or(QHash<QString, QStringList>{});
        for (auto it = out.begin(); it != out.end(); ++it)
            it->sort();
        return out;
    }

    // Empty when equal; otherwise a short description of the first differences.
    QString diff(const QString &tenantId) {
        const auto box = mailboxState(tenantId);
        const auto table = tableState(tenantId);
        QStringList problems;
        for (auto it = box.cbegin(); it != box.cend() && problems.size() < 5; ++it) {
            if (!table.contains(it.key()))
                problems << QStringLiteral("missing %1").arg(it.key());
            else if (table.value(it.key()) != it.value())
                problems << QStringLiteral("labels of %1: table %2, mailbox %3")
                                .arg(it.key(), table.value(it.key()).join(QLatin1Char(',')),
                                     it.value().join(QLatin1Char(',')));
        }
        for (auto it = table.cbegin(); it != table.cend() && problems.size() < 5; ++it) {
            if (!box.contains(it.key()))
                problems << QStringLiteral("extra %1").arg(it.key());
        }
        if (problems.isEmpty())
            return {};
        return QStringLiteral("table %1 rows, mailbox %2: ").arg(table.size()).arg(box.size()) +
               problems.join(QStringLiteral("; "));
    }

    // POST /_sandbox/users/{email}/messages: a new message now; returns its id.
    QString addMessage(const QString &tenantId, const QString &subject, const QStringList &labels = {}) {
        const QByteArray raw =
            QStringLiteral("From: Sender <sender@example.net>\r\nTo: %1\r\nSubject: %2\r\n"
                           "Date: %3\r\nMessage-ID: <%4@example.net>\r\n\r\nHello.\r\n")
                .arg(email(tenantId), subject, QDateTime::currentDateTimeUtc().toString(Qt::RFC2822Date),
                     QString::number(QDateTime::currentMSecsSinceEpoch() + qHash(subject)))
                .toUtf8();
        QJsonObject body{{QStringLiteral("raw"),
                          QString::fromLatin1(
                              raw.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals))}};
        if (!labels.isEmpty())
            body.insert(QStringLiteral("labelIds"), QJsonArray::fromStringList(labels));
        return sandbox
            .control("POST", QStringLiteral("/_sandbox/users/%1/messages").arg(email(tenantId)), body)
            .object()
            .value(QStringLiteral("id"))
            .toString();
    }

    bool deleteMessage(const QString &tenantId, const QString &id) {
        int status = 0;
        sandbox.control("DELETE", QStringLiteral("/_sandbox/users/%1/messages/%2").arg(email(tenantId), id),
                        {}, &status);
        return status == 200 || status == 204;
    }

    bool modify(const QString &tenantId, const QString &id, const QStringList &add,
                const QStringList &remove) {
        int status = 0;
        sandbox.control("POST",
                        QStringLiteral("/_sandbox/users/%1/messages/%2/modify").arg(email(tenantId), id),
                        {{QStringLiteral("addLabelIds"), QJsonArray::fromStringList(add)},
                         {QStringLiteral("removeLabelIds"), QJsonArray::fromStringList(remove)}},
                        &status);
        return status == 200;
    }

private:
    QHash<QString, QString> m_tokens;
    QHash<QString, QString> m_emails;
};

} // namespace synctest
