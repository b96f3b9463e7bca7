#include "DemoSession.h"

#include "db/Database.h"
#include "db/EmbeddedPostgres.h"
#include "db/JobRepository.h"
#include "db/Migrator.h"
#include "demo/DemoEnvironment.h"
#include "sync/SyncEngine.h"

#include <QJsonObject>

#include <cstdio>

DemoSession::DemoSession(bool databaseConfigured, QObject *parent)
    : QObject(parent)
    , m_databaseConfigured(databaseConfigured) {
    m_thread.setObjectName(QStringLiteral("demo-setup"));
    m_context = new QObject;
    m_context->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_context, &QObject::deleteLater);
    m_thread.start();
}

DemoSession::~DemoSession() {
    stop();
}

void DemoSession::start() {
    QMetaObject::invokeMethod(
        m_context, [this] { setUp(); }, Qt::QueuedConnection);
}

void DemoSession::setUp() {
    const auto fail = [this](const QString &error) {
        db::Database::closeThreadConnection();
        QMetaObject::invokeMethod(
            this, [this, error] { Q_EMIT failed(error); }, Qt::QueuedConnection);
    };
    const auto say = [this](const QString &text) {
        QMetaObject::invokeMethod(
            this, [this, text] { Q_EMIT status(text); }, Qt::QueuedConnection);
    };
    if (!m_databaseConfigured) {
        say(tr("Starting the embedded PostgreSQL cluster…"));
        m_postgres = std::make_unique<db::EmbeddedPostgres>();
        if (!m_postgres->start())
            return fail(tr("The embedded PostgreSQL did not start: %1").arg(m_postgres->errorString()));
        db::Database::setDefaultSettings(m_postgres->settings());
    }
    QString error;
    if (!db::Database::open(&error))
        return fail(error);
    {
        db::Migrator migrator(db::Database::connection());
        if (!migrator.migrate())
            return fail(migrator.errorString());
    }
    demo::DemoEnvironment::Options options;
    say(tr("Starting the Gmail API sandbox with %1 generated messages…").arg(options.messages));
    m_environment = std::make_unique<demo::DemoEnvironment>(options);
    if (!m_environment->startSandbox())
        return fail(m_environment->errorString());
    say(tr("Connecting the demo tenant…"));
    if (!m_environment->connectTenant())
        return fail(m_environment->errorString());
    QString enqueueError;
    {
        db::JobRepository jobs(db::Database::connection());
        if (!jobs.enqueue(options.tenantId, ::jobs::InitialParams{}, /*force=*/true))
            enqueueError = jobs.errorString();
    }
    if (!enqueueError.isEmpty())
        return fail(enqueueError);
    db::Database::closeThreadConnection();
    QMetaObject::invokeMethod(this, &DemoSession::startEngine, Qt::QueuedConnection);
}

void DemoSession::startEngine() {
    syncengine::SyncOptions base;
    base.concurrency = 1;
    base.pollIntervalMs = 200;
    m_engine = std::make_unique<syncengine::SyncEngine>(m_environment->syncOptions(base));
    m_engine->start();
    Q_EMIT ready();
}

void DemoSession::stop() {
    if (m_engine) {
        m_engine->stop();
        m_engine.reset();
    }
    if (m_thread.isRunning()) {
        // The sandbox process and the cluster belong to the thread that started them.
        QMetaObject::invokeMethod(
            m_context,
            [this] {
                m_environment.reset();
                db::Database::closeThreadConnection();
                if (m_postgres) {
                    // Stays up while another program is connected; say so rather than kill its work.
                    m_postgres->stop();
                    if (!m_postgres->errorString().isEmpty())
                        std::fprintf(stderr, "embedded PostgreSQL: %s\n",
                                     qPrintable(m_postgres->errorString()));
                    m_postgres.reset();
                }
            },
            Qt::BlockingQueuedConnection);
        m_thread.quit();
        m_thread.wait();
    }
}
