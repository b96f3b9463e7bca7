#include "KeyFileProvider.h"

#include <QFile>
#include <QFileInfo>

#include <openssl/crypto.h>

#include <cerrno>
#include <cstdlib>
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

namespace {

QString errnoText() {
    return QString::fromLocal8Bit(std::strerror(errno));
}

// fsync(2) on a directory makes the names in it (a rename, a link) durable.
bool syncDirectory(const QByteArray &dir) {
    const int fd = ::open(dir.constData(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return false;
    const bool ok = ::fsync(fd) == 0;
    ::close(fd);
    return ok;
}

} // namespace

bool KeyFileProvider::writeKeyFile(const QString &path, const MasterKey &key, QString *error) {
    // Durable before anything is sealed under it: a power cut after `keys rotate` committed must not
    // leave rows sealed under a key that never reached the disk. So: a temporary file in the same
    // directory (0600, O_EXCL), written and fsynced; linked to its name (link(2) refuses to replace an
    // existing file, unlike rename); the directory fsynced; the key read back through the provider and
    // compared by id.
    auto failWith = [&](const QString &reason) {
        if (error)
            *error = QStringLiteral("cannot write key file %1: %2").arg(path, reason);
        return false;
    };
    const QByteArray nativePath = QFile::encodeName(path);
    const QByteArray dir = QFile::encodeName(QFileInfo(path).absolutePath());
    QByteArray temp = nativePath + ".tmp-XXXXXX";
    const int fd = ::mkostemp(temp.data(), O_CLOEXEC); // mode 0600
    if (fd < 0)
        return failWith(errnoText());
    QByteArray text = key.toBase64() + '\n';
    const bool written = ::write(fd, text.constData(), size_t(text.size())) == ssize_t(text.size());
    OPENSSL_cleanse(text.data(), text.size());
    const bool synced = written && ::fsync(fd) == 0;
    const bool closed = ::close(fd) == 0;
    if (!written || !synced || !closed) {
        const QString why = errnoText();
        ::unlink(temp.constData());
        return failWith(why);
    }
    const bool linked = ::link(temp.constData(), nativePath.constData()) == 0;
    const QString linkError = errnoText();
    ::unlink(temp.constData());
    if (!linked)
        return failWith(linkError);
    if (!syncDirectory(dir))
        return failWith(QStringLiteral("cannot sync its directory: ") + errnoText());
    QString readError;
    const auto back = KeyFileProvider(path).currentKey(&readError);
    if (!back)
        return failWith(QStringLiteral("reading it back failed: ") + readError);
    if (back->id() != key.id())
        return failWith(QStringLiteral("it reads back as another key"));
    return true;
}

} // namespace crypto
