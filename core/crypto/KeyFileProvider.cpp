#include "KeyFileProvider.h"

#include <QFile>

#include <openssl/crypto.h>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace crypto {

KeyFileProvider::KeyFileProvider(QString path)
    : m_path(std::move(path)) {}

QString KeyFileProvider::description() const {
    return QStringLiteral("key file %1").arg(m_path);
}

std::optional<MasterKey> KeyFileProvider::currentKey(QString *error) {
    auto failWith = [&](const QString &reason) -> std::optional<MasterKey> {
        if (error)
            *error = QStringLiteral("%1: %2").arg(description(), reason);
        return std::nullopt;
    };
    if (m_path.isEmpty())
        return failWith(QStringLiteral("no path given"));

    // Check the mode on the opened descriptor, not the path, so the file cannot be swapped between.
    const QByteArray nativePath = QFile::encodeName(m_path);
    const int fd = ::open(nativePath.constData(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return failWith(QString::fromLocal8Bit(std::strerror(errno)));
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        ::close(fd);
        return failWith(QStringLiteral("not a regular file"));
    }
    if (st.st_mode & (S_IRGRP | S_IROTH | S_IWGRP | S_IWOTH)) {
        ::close(fd);
        return failWith(
            QStringLiteral("readable or writable by group or others (mode %1); run `chmod 600 %2`")
                .arg(st.st_mode & 0777, 4, 8, QLatin1Char('0'))
                .arg(m_path));
    }
    if (st.st_size > 4096) {
        ::close(fd);
        return failWith(QStringLiteral("too large for a key file (%1 bytes)").arg(st.st_size));
    }
    QByteArray content(qsizetype(st.st_size), Qt::Uninitialized);
    qsizetype got = 0;
    while (got < content.size()) {
        const ssize_t n = ::read(fd, content.data() + got, size_t(content.size() - got));
        if (n <= 0)
            break;
        got += n;
    }
    ::close(fd);
    content.truncate(got);

    QString reason;
    auto key = MasterKey::fromKeyMaterial(content, &reason);
    OPENSSL_cleanse(content.data(), content.size());
    if (!key)
        return failWith(reason);
    return key;
}

bool KeyFileProvider::writeKeyFile(const QString &path, const MasterKey &key, QString *error) {
    const QByteArray nativePath = QFile::encodeName(path);
    const int fd = ::open(nativePath.constData(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
        if (error)
            *error = QStringLiteral("cannot create key file %1: %2")
                         .arg(path, QString::fromLocal8Bit(std::strerror(errno)));
        return false;
    }
    QByteArray text = key.toBase64() + '\n';
    const bool ok = ::write(fd, text.constData(), size_t(text.size())) == ssize_t(text.size());
    OPENSSL_cleanse(text.data(), text.size());
    const bool closed = ::close(fd) == 0;
    if (!ok || !closed) {
        if (error)
            *error = QStringLiteral("cannot write key file %1").arg(path);
        return false;
    }
    return true;
}

} // namespace crypto
