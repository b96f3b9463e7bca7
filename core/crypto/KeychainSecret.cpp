#include "KeychainSecret.h"

#include <qt6keychain/keychain.h>

namespace crypto {

namespace {

QString describe(const QKeychain::Job &job) {
    return QStringLiteral("the system keychain is unreachable: %1 (start a Secret Service such as "
                          "gnome-keyring in a D-Bus session)")
        .arg(job.errorString().isEmpty() ? QStringLiteral("error %1").arg(int(job.error()))
                                         : job.errorString());
}

} // namespace

KeychainSecret::KeychainSecret(QString service, QString key, QObject *parent)
    : QObject(parent)
    , m_service(std::move(service))
    , m_key(std::move(key)) {}

void KeychainSecret::read() {
    // Parented to this and auto-deleted after `finished`: nothing waits, nothing leaks.
    auto *job = new QKeychain::ReadPasswordJob(m_service, this);
    job->setAutoDelete(true);
    job->setKey(m_key);
    connect(job, &QKeychain::Job::finished, this, [this, job] {
        if (job->error() == QKeychain::NoError)
            Q_EMIT readFinished(true, job->textData(), QString());
        else if (job->error() == QKeychain::EntryNotFound)
            Q_EMIT readFinished(true, QString(), QString());
        else
            Q_EMIT readFinished(false, QString(), describe(*job));
    });
    job->start();
}

void KeychainSecret::write(const QString &value) {
    auto *job = new QKeychain::WritePasswordJob(m_service, this);
    job->setAutoDelete(true);
    job->setKey(m_key);
    job->setTextData(value);
    connect(job, &QKeychain::Job::finished, this, [this, job] {
        if (job->error() == QKeychain::NoError)
            Q_EMIT writeFinished(true, QString());
        else
            Q_EMIT writeFinished(false, describe(*job));
    });
    job->start();
}

void KeychainSecret::remove() {
    auto *job = new QKeychain::DeletePasswordJob(m_service, this);
    job->setAutoDelete(true);
    job->setKey(m_key);
    connect(job, &QKeychain::Job::finished, this, [this, job] {
        if (job->error() == QKeychain::NoError || job->error() == QKeychain::EntryNotFound)
            Q_EMIT writeFinished(true, QString());
        else
            Q_EMIT writeFinished(false, describe(*job));
    });
    job->start();
}

} // namespace crypto
