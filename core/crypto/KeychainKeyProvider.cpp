#include "KeychainKeyProvider.h"

#include <QEventLoop>

#include <qt6keychain/keychain.h>

#include <openssl/crypto.h>

namespace crypto {

namespace {

const QString CurrentEntry = QStringLiteral("master-key");

QString archiveEntry(const QString &keyId) {
    return QStringLiteral("master-key-") + keyId;
}

// QtKeychain jobs report through a signal: wait for it in a local loop. Stack jobs must not
// delete themselves (setAutoDelete(false)).
void runJob(QKeychain::Job &job) {
    job.setAutoDelete(false);
    bool done = false;
    QEventLoop loop;
    QObject::connect(&job, &QKeychain::Job::finished, &loop, [&] {
        done = true;
        loop.quit();
    });
    job.start();
    if (!done)
        loop.exec(QEventLoop::ExcludeUserInputEvents);
}

QString unreachable(const QKeychain::Job &job) {
    return QStringLiteral("no OS keychain reachable: %1 (start a Secret Service such as gnome-keyring in a "
                          "D-Bus session, or set GMAIL_SYNC_MASTER_KEY or use --key-file instead)")
        .arg(job.errorString().isEmpty() ? QStringLiteral("error %1").arg(int(job.error()))
                                         : job.errorString());
}

enum class ReadOutcome { Found, NotFound, Failed };

ReadOutcome readEntry(const QString &service, const QString &entry, QByteArray *value, QString *error) {
    QKeychain::ReadPasswordJob job(service);
    job.setKey(entry);
    runJob(job);
    if (job.error() == QKeychain::NoError) {
        *value = job.textData().toLatin1();
        return ReadOutcome::Found;
    }
    if (job.error() == QKeychain::EntryNotFound)
        return ReadOutcome::NotFound;
    if (error)
        *error = unreachable(job);
    return ReadOutcome::Failed;
}

bool writeEntry(const QString &service, const QString &entry, const MasterKey &key, QString *error) {
    QKeychain::WritePasswordJob job(service);
    job.setKey(entry);
    QByteArray text = key.toBase64();
    job.setTextData(QString::fromLatin1(text));
    OPENSSL_cleanse(text.data(), text.size());
    runJob(job);
    if (job.error() != QKeychain::NoError) {
        if (error)
            *error = unreachable(job);
        return false;
    }
    return true;
}

std::optional<MasterKey> parseEntry(QByteArray &value, const QString &what, QString *error) {
    QString reason;
    auto key = MasterKey::fromBase64(value, &reason);
    OPENSSL_cleanse(value.data(), value.size());
    if (!key && error)
        *error = QStringLiteral("%1 holds no usable master key: %2").arg(what, reason);
    return key;
}

} // namespace

KeychainKeyProvider::KeychainKeyProvider(QString service)
    : m_service(std::move(service)) {}

QString KeychainKeyProvider::description() const {
    return QStringLiteral("OS keychain (service %1)").arg(m_service);
}

std::optional<MasterKey> KeychainKeyProvider::currentKey(QString *error) {
    QByteArray value;
    switch (readEntry(m_service, CurrentEntry, &value, error)) {
    case ReadOutcome::Failed:
        return std::nullopt;
    case ReadOutcome::Found:
        return parseEntry(value, description() + QStringLiteral(" entry ") + CurrentEntry, error);
    case ReadOutcome::NotFound:
        break;
    }
    // First use: create the key. The archive entry goes first so that whatever is ever current is
    // also findable by id.
    auto key = MasterKey::generate(error);
    if (!key || !storeKey(*key, error) || !makeCurrent(*key, error))
        return std::nullopt;
    return key;
}

std::optional<MasterKey> KeychainKeyProvider::keyById(const QString &keyId, QString *error) {
    QByteArray value;
    switch (readEntry(m_service, archiveEntry(keyId), &value, error)) {
    case ReadOutcome::Failed:
        return std::nullopt;
    case ReadOutcome::Found: {
        auto key = parseEntry(value, description() + QStringLiteral(" entry ") + archiveEntry(keyId), error);
        if (key && key->id() != keyId) {
            if (error)
                *error = QStringLiteral("%1 entry %2 holds key %3")
                             .arg(description(), archiveEntry(keyId), key->id());
            return std::nullopt;
        }
        return key;
    }
    case ReadOutcome::NotFound:
        break;
    }
    // Keys stored before archive entries existed: the current entry may still be it (read it
    // directly: currentKey() would create a key as a side effect).
    if (readEntry(m_service, CurrentEntry, &value, error) == ReadOutcome::Failed)
        return std::nullopt;
    if (!value.isEmpty()) {
        auto current = parseEntry(value, description(), error);
        if (current && current->id() == keyId)
            return current;
    }
    if (error)
        *error = QStringLiteral("master key %1 is not in the %2").arg(keyId, description());
    return std::nullopt;
}

bool KeychainKeyProvider::storeKey(const MasterKey &key, QString *error) {
    return writeEntry(m_service, archiveEntry(key.id()), key, error);
}

bool KeychainKeyProvider::makeCurrent(const MasterKey &key, QString *error) {
    return storeKey(key, error) && writeEntry(m_service, CurrentEntry, key, error);
}

} // namespace crypto
