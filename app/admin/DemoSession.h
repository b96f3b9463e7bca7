#pragma once

#include <QObject>
#include <QThread>

#include <memory>

namespace db {
class EmbeddedPostgres;
}
namespace demo {
class DemoEnvironment;
}
namespace syncengine {
class SyncEngine;
}

// `gmail-sync-admin --demo`: the embedded PostgreSQL cluster (unless a database URL is given), the
// gmail-sandbox with a generated mailbox and a connected demo tenant (demo::DemoEnvironment), then an
// in-process SyncEngine with the initial sync queued, so the window shows live progress at once. The
// blocking start-up (cluster, sandbox, tenant) runs on a helper thread that also owns those objects until
// stop(); the GUI thread only waits for `ready` or `failed`.
class DemoSession final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DemoSession)
public:
    // `databaseConfigured`: db::Database's default settings are already set (--database); else embedded.
    explicit DemoSession(bool databaseConfigured, QObject *parent = nullptr);
    ~DemoSession() override;

    void start();
    // Stops the engine (waits for its workers), then the sandbox and the cluster, on their thread.
    void stop();

Q_SIGNALS:
    void status(const QString &text);
    void ready();
    void failed(const QString &error);

private:
    void setUp(); // on m_thread
    void startEngine();

    bool m_databaseConfigured;
    QThread m_thread;
    QObject *m_context = nullptr; // lives on m_thread
    std::unique_ptr<db::EmbeddedPostgres> m_postgres;
    std::unique_ptr<demo::DemoEnvironment> m_environment;
    std::unique_ptr<syncengine::SyncEngine> m_engine;
};
